package dev.cakeday.user.importing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cakeday.user.FieldViolation;
import dev.cakeday.user.UserRequest;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.json.JsonMapper;

class ImportReaderTest {

    static final JsonMapper JSON = JsonMapper.builder().build();

    static ImportReader reader(ImportFormat format, String text, long maxBytes) {
        return ImportReader.open(
                format,
                new ByteArrayInputStream(text.getBytes(StandardCharsets.UTF_8)),
                maxBytes,
                JSON);
    }

    @Test
    void stopsReadingAtTheSizeLimit() {
        String csv =
                "firstName,lastName,email,birthday,timezone\n"
                        + "Ada,Lovelace,a@example.com,1990-12-10,UTC\n".repeat(100);

        assertThatThrownBy(
                        () -> {
                            ImportReader reader = reader(ImportFormat.CSV, csv, 1_000);
                            while (reader.next() != null) {
                                // read on until the limit stops it
                            }
                        })
                .isInstanceOf(ImportTooLargeException.class);
    }

    @Test
    void anNdjsonLineThatIsNullIsReportedWithAReason() throws IOException {
        ImportReader reader = reader(ImportFormat.NDJSON, "null\n", 1_000);

        ImportRow row = reader.next();

        assertThat(row.request()).isNull();
        assertThat(row.unreadable())
                .containsExactly(new FieldViolation("row", "must be a JSON object, not null"));
        assertThat(reader.next()).isNull();
    }

    @Test
    void readsUpToTheSizeLimit() throws IOException {
        String ndjson = "{\"firstName\":\"Ada\"}\n".repeat(10);
        ImportReader reader = reader(ImportFormat.NDJSON, ndjson, ndjson.length());

        int rows = 0;
        while (reader.next() != null) {
            rows++;
        }
        assertThat(rows).isEqualTo(10);
        assertThat(reader.bytesRead()).isEqualTo(ndjson.length());
    }

    @Test
    void columnsMayComeInAnyOrderAndEmptyFieldsAreAbsent() throws IOException {
        ImportReader reader =
                reader(
                        ImportFormat.CSV,
                        "timezone,email,birthday,lastName,firstName\n"
                                + "UTC,a@example.com,1990-12-10,Lovelace,\n",
                        1_000_000);

        ImportRow row = reader.next();

        assertThat(row.request())
                .isEqualTo(
                        new UserRequest(
                                null,
                                "Lovelace",
                                "a@example.com",
                                "1990-12-10",
                                "UTC",
                                null,
                                null,
                                null));
        assertThat(reader.next()).isNull();
    }

    @Test
    void blankLinesAreNoRowsInEitherFormat() throws IOException {
        ImportReader csv =
                reader(
                        ImportFormat.CSV,
                        "firstName,lastName,email,birthday,timezone\n\n"
                                + "Ada,Lovelace,a@example.com,1990-12-10,UTC\n  \r\n\nBob,Builder,b@example.com,1991-01-02,UTC\n\n",
                        1_000_000);
        ImportReader ndjson =
                reader(
                        ImportFormat.NDJSON,
                        "\n{\"firstName\":\"Ada\"}\n  \r\n\n{\"firstName\":\"Bob\"}\n\n",
                        1_000_000);

        for (ImportReader reader : List.of(csv, ndjson)) {
            ImportRow first = reader.next();
            ImportRow second = reader.next();

            assertThat(first.number()).isEqualTo(1);
            assertThat(first.request().firstName()).isEqualTo("Ada");
            assertThat(second.number()).isEqualTo(2);
            assertThat(second.request().firstName()).isEqualTo("Bob");
            assertThat(reader.next()).isNull();
        }
    }

    @Test
    void anOverlongNdjsonLineIsARowErrorAndTheNextLineStillCounts() throws IOException {
        String line = "{\"firstName\":\"" + "A".repeat(ImportReader.MAX_LINE_BYTES) + "\"}\n";
        ImportReader reader =
                reader(ImportFormat.NDJSON, line + "{\"firstName\":\"Ada\"}\n", 10_000_000);

        ImportRow first = reader.next();
        ImportRow second = reader.next();

        assertThat(first.unreadable()).extracting(FieldViolation::field).containsExactly("row");
        assertThat(second.number()).isEqualTo(2);
        assertThat(second.request().firstName()).isEqualTo("Ada");
        assertThat(reader.next()).isNull();
    }
}
