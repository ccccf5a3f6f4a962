package dev.cakeday.user.importing;

import dev.cakeday.user.FieldViolation;
import dev.cakeday.user.UserDraft;
import dev.cakeday.user.UserEvents;
import dev.cakeday.user.UserValidator;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import javax.sql.DataSource;
import org.postgresql.PGConnection;
import org.postgresql.copy.CopyIn;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.jdbc.datasource.DataSourceUtils;
import org.springframework.stereotype.Service;
import org.springframework.transaction.support.TransactionTemplate;
import tools.jackson.databind.json.JsonMapper;

/**
 * Bulk import in one transaction: all of it or, on any fault, none. Rows are checked field by field
 * with the API's own rules as they stream in, and the valid ones are loaded with COPY into a
 * staging table; emails repeated in the file or taken by existing users are then found set-based,
 * the rest inserted in one statement, and the new users' greetings planned.
 */
@Service
class UserImport {

    private static final Logger log = LoggerFactory.getLogger(UserImport.class);
    private static final int PROGRESS_EVERY = 10_000;
    private static final int COPY_CHUNK = 256 * 1024;
    static final String TAKEN = "is taken by an existing user";

    static final String CREATE_STAGING =
            """
            CREATE TEMP TABLE user_import (
                row_no      bigint NOT NULL,
                id          uuid   NOT NULL DEFAULT gen_random_uuid(),
                first_name  text   NOT NULL,
                last_name   text   NOT NULL,
                email       text   NOT NULL,
                birthday    date   NOT NULL,
                timezone    text   NOT NULL,
                anniversary date,
                locale      text,
                opt_out     text[],
                error       text
            ) ON COMMIT DROP""";

    static final String COPY_STAGING =
            """
            COPY user_import (row_no, first_name, last_name, email, birthday, timezone, anniversary, locale, opt_out)
            FROM STDIN (FORMAT csv)""";

    static final String ANALYZE_STAGING = "ANALYZE user_import";

    /**
     * Statistics of the users the import added, for every query of users from now on (a table that
     * grew by a whole import and was never analysed leaves PostgreSQL guessing, and autovacuum may
     * be late or off), and of the temporary table the greeting planner reads them from.
     */
    static final String ANALYZE_IMPORTED = "ANALYZE users, imported_users";

    /** The first row with an email (ignoring case) is imported; later ones are refused. */
    static final String MARK_REPEATED =
            """
            UPDATE user_import s SET error = 'repeats the email of row ' || d.first_row
            FROM (SELECT row_no, min(row_no) OVER (PARTITION BY lower(email)) AS first_row FROM user_import) d
            WHERE s.row_no = d.row_no AND d.first_row <> d.row_no""";

    static final String MARK_TAKEN =
            """
            UPDATE user_import s SET error = :taken
            FROM users u
            WHERE lower(u.email) = lower(s.email) AND s.error IS NULL""";

    /**
     * Holds the users this import inserted, for the greeting planner ({@link UserEvents.Imported}).
     */
    static final String CREATE_IMPORTED =
            "CREATE TEMP TABLE imported_users ON COMMIT DROP AS SELECT * FROM users WITH NO DATA";

    /**
     * A user created meanwhile with one of the emails is not overwritten: that row is left out
     * here. In email order, so that two imports sharing emails wait for each other instead of
     * deadlocking.
     */
    static final String INSERT_USERS =
            """
            WITH inserted AS (
                INSERT INTO users (id, first_name, last_name, email, birthday, timezone, anniversary, locale, opt_out,
                                   created_at, updated_at)
                SELECT id, first_name, last_name, email, birthday, timezone, anniversary, locale,
                       coalesce(opt_out, '{}'), :now, :now
                FROM user_import WHERE error IS NULL
                ORDER BY lower(email)
                ON CONFLICT DO NOTHING
                RETURNING *)
            INSERT INTO imported_users SELECT * FROM inserted""";

    static final String MARK_TAKEN_MEANWHILE =
            """
            UPDATE user_import s SET error = :taken
            WHERE s.error IS NULL AND NOT EXISTS (SELECT 1 FROM imported_users i WHERE i.id = s.id)""";

    static final String COUNT_REFUSED =
            """
            SELECT count(*) AS refused, count(*) FILTER (WHERE error = :taken) AS taken
            FROM user_import WHERE error IS NOT NULL""";

    static final String FIRST_REFUSED =
            """
            SELECT row_no, error FROM user_import WHERE error IS NOT NULL ORDER BY row_no LIMIT :limit""";

    private final UserValidator validator;
    private final DataSource dataSource;
    private final JdbcClient jdbc;
    private final TransactionTemplate transaction;
    private final ApplicationEventPublisher events;
    private final JsonMapper json;
    private final Clock clock;
    private final long maxBytes;

    UserImport(
            UserValidator validator,
            DataSource dataSource,
            JdbcClient jdbc,
            TransactionTemplate transaction,
            ApplicationEventPublisher events,
            JsonMapper json,
            Clock clock,
            ImportProperties properties) {
        this.validator = validator;
        this.dataSource = dataSource;
        this.jdbc = jdbc;
        this.transaction = transaction;
        this.events = events;
        this.json = json;
        this.clock = clock;
        this.maxBytes = properties.maxSize().toBytes();
    }

    ImportReport run(InputStream in, ImportFormat format, ImportProgress progress) {
        return transaction.execute(
                status -> {
                    try {
                        return importAll(in, format, progress);
                    } catch (IOException e) {
                        throw new UncheckedIOException(e);
                    } catch (SQLException e) {
                        throw new IllegalStateException(
                                "COPY into the import staging table failed", e);
                    }
                });
    }

    private ImportReport importAll(InputStream in, ImportFormat format, ImportProgress progress)
            throws IOException, SQLException {
        long started = System.nanoTime();
        Instant now = clock.instant().truncatedTo(ChronoUnit.MICROS);
        jdbc.sql(CREATE_STAGING).update();
        ImportReader reader = ImportReader.open(format, in, maxBytes, json);
        RowErrors readErrors = copyValidRows(reader, progress);
        long received = reader.rows;
        progress.rowsRead(received, reader.bytesRead());

        progress.step("checking emails");
        jdbc.sql(ANALYZE_STAGING).update();
        long refusedHere =
                jdbc.sql(MARK_REPEATED).update()
                        + jdbc.sql(MARK_TAKEN).param("taken", TAKEN).update();
        progress.step("inserting users");
        jdbc.sql(CREATE_IMPORTED).update();
        long imported = jdbc.sql(INSERT_USERS).param("now", now.atOffset(ZoneOffset.UTC)).update();
        // Only a race with a concurrent create leaves a valid staged row out; look for those only
        // then.
        if (imported < received - readErrors.rows - refusedHere) {
            jdbc.sql(MARK_TAKEN_MEANWHILE).param("taken", TAKEN).update();
        }
        if (imported > 0) {
            jdbc.sql(ANALYZE_IMPORTED).update();
        }
        progress.step("planning greetings");
        events.publishEvent(new UserEvents.Imported(now, imported));

        var refused =
                jdbc.sql(COUNT_REFUSED)
                        .param("taken", TAKEN)
                        .query((rs, row) -> new long[] {rs.getLong(1), rs.getLong(2)})
                        .single();
        List<ImportError> staged =
                jdbc.sql(FIRST_REFUSED)
                        .param("limit", ImportReport.MAX_ERRORS)
                        .query(
                                (rs, row) ->
                                        new ImportError(rs.getLong(1), "email", rs.getString(2)))
                        .list();
        ImportReport report =
                new ImportReport(
                        received,
                        imported,
                        readErrors.rows + refused[0],
                        refused[1],
                        readErrors.count + refused[0],
                        firstByRow(readErrors.first, staged));
        log.info(
                "Imported {} of {} users ({} rejected, {} of them taken emails) in {} ms",
                imported,
                received,
                report.rejected(),
                report.conflicts(),
                (System.nanoTime() - started) / 1_000_000);
        return report;
    }

    /**
     * Streams the rows that pass the field rules into the staging table; returns the others'
     * errors.
     */
    private RowErrors copyValidRows(ImportReader reader, ImportProgress progress)
            throws IOException, SQLException {
        Connection connection = DataSourceUtils.getConnection(dataSource);
        CopyIn copy = connection.unwrap(PGConnection.class).getCopyAPI().copyIn(COPY_STAGING);
        RowErrors errors = new RowErrors();
        StringBuilder chunk = new StringBuilder(COPY_CHUNK + 1024);
        List<FieldViolation> violations = new ArrayList<>();
        try {
            for (ImportRow row = reader.next(); row != null; row = reader.next()) {
                violations.clear();
                violations.addAll(row.unreadable());
                UserDraft draft =
                        row.request() == null ? null : validator.check(row.request(), violations);
                if (draft == null) {
                    errors.add(row.number(), violations);
                } else {
                    appendCsv(chunk, row.number(), draft);
                    if (chunk.length() >= COPY_CHUNK) {
                        write(copy, chunk);
                    }
                }
                if (row.number() % PROGRESS_EVERY == 0) {
                    progress.rowsRead(row.number(), reader.bytesRead());
                }
            }
            write(copy, chunk);
            copy.endCopy();
            return errors;
        } finally {
            if (copy.isActive()) {
                copy.cancelCopy();
            }
        }
    }

    private static void write(CopyIn copy, StringBuilder chunk) throws SQLException {
        byte[] bytes = chunk.toString().getBytes(StandardCharsets.UTF_8);
        copy.writeToCopy(bytes, 0, bytes.length);
        chunk.setLength(0);
    }

    private static void appendCsv(StringBuilder out, long row, UserDraft draft) {
        out.append(row).append(',');
        quoted(out, draft.firstName()).append(',');
        quoted(out, draft.lastName()).append(',');
        quoted(out, draft.email()).append(',');
        out.append(draft.birthday()).append(',');
        quoted(out, draft.timezone().getId()).append(',');
        if (draft.anniversary() != null) {
            out.append(draft.anniversary());
        }
        out.append(',');
        if (draft.locale() != null) {
            quoted(out, draft.locale());
        }
        out.append(',');
        if (draft.optOut() != null) {
            // Occasion names are upper-case words: the array literal needs no quoting inside.
            quoted(out, "{" + String.join(",", draft.optOut()) + "}");
        }
        out.append('\n');
    }

    private static StringBuilder quoted(StringBuilder out, String value) {
        out.append('"');
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            out.append(c);
            if (c == '"') {
                out.append('"');
            }
        }
        return out.append('"');
    }

    private static List<ImportError> firstByRow(List<ImportError> a, List<ImportError> b) {
        List<ImportError> merged = new ArrayList<>(a);
        merged.addAll(b);
        merged.sort((x, y) -> Long.compare(x.row(), y.row()));
        return List.copyOf(merged.subList(0, Math.min(ImportReport.MAX_ERRORS, merged.size())));
    }

    /** Rows refused while reading: how many, how many errors, and the first ones. */
    private static final class RowErrors {
        long rows;
        long count;
        final List<ImportError> first = new ArrayList<>();

        void add(long row, List<FieldViolation> violations) {
            rows++;
            count += violations.size();
            for (FieldViolation v : violations) {
                if (first.size() < ImportReport.MAX_ERRORS) {
                    first.add(new ImportError(row, v.field(), v.message()));
                }
            }
        }
    }
}
