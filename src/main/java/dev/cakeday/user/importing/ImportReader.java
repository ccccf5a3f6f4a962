package dev.cakeday.user.importing;

import dev.cakeday.user.UserRequest;
import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.MappingIterator;
import tools.jackson.databind.exc.MismatchedInputException;
import tools.jackson.databind.exc.UnrecognizedPropertyException;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.dataformat.csv.CsvMapper;
import tools.jackson.dataformat.csv.CsvReadFeature;

/**
 * Reads an import one row at a time, in constant memory. A row that cannot be read is returned with
 * its reason, so that the rest of the file still counts; only a file that cannot be read as a whole
 * (no header, broken quoting, over the size limit) stops the import.
 */
abstract sealed class ImportReader {

    static final List<String> REQUIRED_COLUMNS =
            List.of("firstName", "lastName", "email", "birthday", "timezone");
    static final List<String> OPTIONAL_COLUMNS = List.of("anniversary", "locale", "optOut");
    private static final String COLUMNS =
            String.join(",", REQUIRED_COLUMNS) + "[," + String.join("][,", OPTIONAL_COLUMNS) + "]";
    // A CSV cell lists opted-out occasions separated by ';' or spaces: "BIRTHDAY;ANNIVERSARY".
    private static final Pattern OPT_OUT_SEPARATOR = Pattern.compile("[;\\s]+");
    // An NDJSON line longer than this is refused as a row, without holding it in memory.
    static final int MAX_LINE_BYTES = 64 * 1024;

    // Blank lines are no rows, as in NDJSON: a file ending in an empty line reports no error for
    // it.
    private static final CsvMapper CSV =
            CsvMapper.builder()
                    .enable(CsvReadFeature.WRAP_AS_ARRAY, CsvReadFeature.SKIP_EMPTY_LINES)
                    .build();

    private final CountingStream counted;
    long rows;

    private ImportReader(CountingStream counted) {
        this.counted = counted;
    }

    static ImportReader open(ImportFormat format, InputStream in, long maxBytes, JsonMapper json) {
        CountingStream counted = new CountingStream(in, maxBytes);
        return switch (format) {
            case CSV -> new Csv(counted);
            case NDJSON -> new Ndjson(counted, json);
        };
    }

    /** The next data row, or null at the end. */
    abstract ImportRow next() throws IOException;

    long bytesRead() {
        return counted.count;
    }

    private static final class Csv extends ImportReader {

        private final MappingIterator<String[]> records;
        private final int[] columnOf = new int[REQUIRED_COLUMNS.size() + OPTIONAL_COLUMNS.size()];
        private final int width;

        Csv(CountingStream in) {
            super(in);
            try {
                records =
                        CSV.readerFor(String[].class)
                                .readValues(new InputStreamReader(in, StandardCharsets.UTF_8));
                if (!records.hasNextValue()) {
                    throw new MalformedImportException(
                            "the CSV is empty; its first line must be the header " + COLUMNS);
                }
                String[] header = records.nextValue();
                width = header.length;
                mapHeader(header);
            } catch (JacksonException e) {
                throw malformed(e);
            }
        }

        private void mapHeader(String[] header) {
            Map<String, Integer> positions = new HashMap<>();
            for (int i = 0; i < header.length; i++) {
                String name = header[i].strip();
                if (!REQUIRED_COLUMNS.contains(name) && !OPTIONAL_COLUMNS.contains(name)) {
                    throw new MalformedImportException(
                            "unknown column '"
                                    + name
                                    + "' in the header; the columns are "
                                    + COLUMNS);
                }
                if (positions.put(name, i) != null) {
                    throw new MalformedImportException(
                            "column '" + name + "' appears twice in the header");
                }
            }
            List<String> missing =
                    REQUIRED_COLUMNS.stream().filter(c -> !positions.containsKey(c)).toList();
            if (!missing.isEmpty()) {
                throw new MalformedImportException(
                        "the header lacks the column(s) "
                                + String.join(", ", missing)
                                + "; found "
                                + Arrays.stream(header).collect(Collectors.joining(",")));
            }
            for (int i = 0; i < REQUIRED_COLUMNS.size(); i++) {
                columnOf[i] = positions.get(REQUIRED_COLUMNS.get(i));
            }
            for (int i = 0; i < OPTIONAL_COLUMNS.size(); i++) {
                columnOf[REQUIRED_COLUMNS.size() + i] =
                        positions.getOrDefault(OPTIONAL_COLUMNS.get(i), -1);
            }
        }

        @Override
        ImportRow next() {
            try {
                if (!records.hasNextValue()) {
                    return null;
                }
                String[] record = records.nextValue();
                rows++;
                if (record.length != width) {
                    return ImportRow.unreadable(
                            rows,
                            "row",
                            "has " + record.length + " fields; the header has " + width);
                }
                return ImportRow.of(
                        rows,
                        new UserRequest(
                                field(record, 0),
                                field(record, 1),
                                field(record, 2),
                                field(record, 3),
                                field(record, 4),
                                field(record, 5),
                                field(record, 6),
                                optOut(field(record, 7))));
            } catch (JacksonException e) {
                throw malformed(e);
            }
        }

        private static List<String> optOut(String cell) {
            return cell == null
                    ? null
                    : Arrays.stream(OPT_OUT_SEPARATOR.split(cell.strip()))
                            .filter(name -> !name.isEmpty())
                            .toList();
        }

        // CSV cannot tell an empty field from a missing one: both are absent.
        private String field(String[] record, int column) {
            int at = columnOf[column];
            return at < 0 || record[at].isEmpty() ? null : record[at];
        }

        private MalformedImportException malformed(JacksonException e) {
            if (e.getCause() instanceof ImportTooLargeException tooLarge) {
                throw tooLarge;
            }
            return new MalformedImportException(
                    "the CSV cannot be read after data row "
                            + rows
                            + ": "
                            + e.getOriginalMessage());
        }
    }

    private static final class Ndjson extends ImportReader {

        private final BufferedInputStream in;
        private final JsonMapper json;
        private final ByteArrayOutputStream line = new ByteArrayOutputStream();

        Ndjson(CountingStream in, JsonMapper json) {
            super(in);
            this.in = new BufferedInputStream(in, 64 * 1024);
            this.json = json;
        }

        @Override
        ImportRow next() throws IOException {
            while (true) {
                line.reset();
                boolean tooLong = false;
                int b;
                while ((b = in.read()) != -1 && b != '\n') {
                    if (line.size() < MAX_LINE_BYTES) {
                        line.write(b);
                    } else {
                        tooLong = true;
                    }
                }
                if (b == -1 && line.size() == 0) {
                    return null;
                }
                String text = line.toString(StandardCharsets.UTF_8).strip();
                if (text.isEmpty() && !tooLong) {
                    continue;
                }
                rows++;
                if (tooLong) {
                    return ImportRow.unreadable(
                            rows, "row", "is longer than " + MAX_LINE_BYTES + " bytes");
                }
                return parse(text);
            }
        }

        private ImportRow parse(String text) {
            try {
                UserRequest request = json.readValue(text, UserRequest.class);
                return request == null
                        ? ImportRow.unreadable(rows, "row", "must be a JSON object, not null")
                        : ImportRow.of(rows, request);
            } catch (UnrecognizedPropertyException e) {
                return ImportRow.unreadable(rows, e.getPropertyName(), "is not a field of a user");
            } catch (MismatchedInputException e) {
                String field =
                        e.getPath().isEmpty()
                                ? null
                                : e.getPath().get(e.getPath().size() - 1).getPropertyName();
                if (field == null && e.getPath().size() > 1) {
                    field = e.getPath().get(0).getPropertyName();
                }
                return field == null
                        ? ImportRow.unreadable(rows, "row", "must be a JSON object")
                        : ImportRow.unreadable(
                                rows,
                                field,
                                field.equals("optOut")
                                        ? "must be a list of occasion names"
                                        : "must be a string");
            } catch (JacksonException e) {
                return ImportRow.unreadable(
                        rows, "row", "is not valid JSON: " + e.getOriginalMessage());
            }
        }
    }

    /** Counts the bytes read and refuses to read past the limit. */
    private static final class CountingStream extends FilterInputStream {

        private final long maxBytes;
        long count;

        CountingStream(InputStream in, long maxBytes) {
            super(in);
            this.maxBytes = maxBytes;
        }

        @Override
        public int read() throws IOException {
            int b = super.read();
            if (b != -1) {
                add(1);
            }
            return b;
        }

        @Override
        public int read(byte[] buffer, int offset, int length) throws IOException {
            int n = super.read(buffer, offset, length);
            if (n > 0) {
                add(n);
            }
            return n;
        }

        private void add(long n) {
            count += n;
            if (count > maxBytes) {
                throw new ImportTooLargeException(maxBytes);
            }
        }
    }
}
