package dev.cakeday.greeting.log;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;
import org.postgresql.PGConnection;

/**
 * Writes a query's rows to {@code cakeday.log.archive-dir} as gzip-compressed CSV with a header
 * line, through COPY. A file appears whole or not at all: it is written aside, synced, read back
 * (which counts its records), and only then given its name, which no earlier archive holds: a month
 * archived twice (it came back after an outage, say) keeps both files.
 */
class LogArchive {

    private static final int BUFFER = 1 << 16;

    private final Path dir;

    LogArchive(Path dir) {
        this.dir = dir;
    }

    /** What {@link #write} wrote: the file, and the records read back from it. */
    record Written(Path file, long records) {}

    /**
     * Runs {@code copyOut} (a {@code COPY … TO STDOUT WITH (FORMAT csv, HEADER)}) into a file named
     * {@code name}{@code .csv.gz}, or {@code name-2.csv.gz} and so on when that one exists.
     */
    Written write(Connection connection, String copyOut, String name) throws SQLException {
        Path partial = null;
        try {
            partial = Files.createTempFile(dir, name + "-", ".partial", privateFile());
            try (OutputStream out =
                    new GZIPOutputStream(
                            new BufferedOutputStream(Files.newOutputStream(partial), BUFFER),
                            BUFFER)) {
                connection.unwrap(PGConnection.class).getCopyAPI().copyOut(copyOut, out);
            }
            sync(partial);
            long records = csvRecords(partial) - 1;
            Path file = moveToFreeName(partial, name);
            partial = null;
            sync(dir);
            return new Written(file, records);
        } catch (IOException e) {
            throw new UncheckedIOException("Could not write the archive " + name + " in " + dir, e);
        } finally {
            deleteQuietly(partial);
        }
    }

    private Path moveToFreeName(Path partial, String name) throws IOException {
        for (int copy = 1; ; copy++) {
            Path file = dir.resolve(name + (copy == 1 ? "" : "-" + copy) + ".csv.gz");
            try {
                return Files.move(partial, file);
            } catch (FileAlreadyExistsException taken) {
                // an archive of an earlier run: keep it, and try the next name
            }
        }
    }

    /**
     * Reads the file to its end, which checks the gzip trailer's CRC and length, and counts its CSV
     * records, the header's included: line ends outside quotes (a quote inside a field is doubled,
     * so the count of quotes before a line end tells whether it is inside one).
     */
    static long csvRecords(Path file) throws IOException {
        long records = 0;
        boolean quoted = false;
        byte[] buffer = new byte[BUFFER];
        try (InputStream in = new GZIPInputStream(Files.newInputStream(file), BUFFER)) {
            for (int read = in.read(buffer); read >= 0; read = in.read(buffer)) {
                for (int i = 0; i < read; i++) {
                    if (buffer[i] == '"') {
                        quoted = !quoted;
                    } else if (buffer[i] == '\n' && !quoted) {
                        records++;
                    }
                }
            }
        }
        return records;
    }

    /**
     * The log names users and their days: an archive is readable by this process's user alone,
     * where the file system knows permissions.
     */
    private static FileAttribute<?>[] privateFile() {
        return FileSystems.getDefault().supportedFileAttributeViews().contains("posix")
                ? new FileAttribute<?>[] {
                    PosixFilePermissions.asFileAttribute(
                            PosixFilePermissions.fromString("rw-------"))
                }
                : new FileAttribute<?>[0];
    }

    private static void sync(Path path) throws IOException {
        try (FileChannel channel =
                FileChannel.open(
                        path,
                        Files.isDirectory(path)
                                ? StandardOpenOption.READ
                                : StandardOpenOption.WRITE)) {
            channel.force(true);
        }
    }

    private static void deleteQuietly(Path path) {
        if (path != null) {
            try {
                Files.deleteIfExists(path);
            } catch (IOException ignored) {
                // the failure being reported matters more than a leftover partial file
            }
        }
    }
}
