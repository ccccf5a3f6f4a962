package dev.cakeday.greeting.log;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;
import org.postgresql.PGConnection;

/**
 * Writes a query's rows to {@code cakeday.log.archive-dir} as gzip-compressed CSV with a header
 * line, through COPY: a file appears whole (written aside, synced, read back, then renamed) or not
 * at all.
 */
class LogArchive {

    private static final int BUFFER = 1 << 16;

    private final Path dir;

    LogArchive(Path dir) {
        this.dir = dir;
    }

    /**
     * Runs {@code copyOut} (a {@code COPY … TO STDOUT}) into the file; returns the rows written.
     */
    long write(Connection connection, String copyOut, String fileName) throws SQLException {
        Path file = dir.resolve(fileName);
        Path partial = dir.resolve(fileName + ".partial");
        try {
            createPrivate(partial);
            long rows;
            try (OutputStream out =
                    new GZIPOutputStream(
                            new BufferedOutputStream(Files.newOutputStream(partial), BUFFER),
                            BUFFER)) {
                rows = connection.unwrap(PGConnection.class).getCopyAPI().copyOut(copyOut, out);
            }
            try (FileChannel channel = FileChannel.open(partial, StandardOpenOption.WRITE)) {
                channel.force(true);
            }
            readWhole(partial);
            Files.move(
                    partial,
                    file,
                    StandardCopyOption.ATOMIC_MOVE,
                    StandardCopyOption.REPLACE_EXISTING);
            return rows;
        } catch (IOException e) {
            throw new UncheckedIOException("Could not write the archive " + file, e);
        }
    }

    /**
     * The log names users and their days: the file is readable by this process's user alone, where
     * the file system knows permissions.
     */
    private static void createPrivate(Path file) throws IOException {
        Files.deleteIfExists(file);
        if (FileSystems.getDefault().supportedFileAttributeViews().contains("posix")) {
            Files.createFile(
                    file,
                    PosixFilePermissions.asFileAttribute(
                            PosixFilePermissions.fromString("rw-------")));
        }
    }

    /** Reads the file to its end, which checks the gzip trailer's CRC and length. */
    private static void readWhole(Path file) throws IOException {
        try (InputStream in = new GZIPInputStream(Files.newInputStream(file), BUFFER)) {
            in.transferTo(OutputStream.nullOutputStream());
        }
    }
}
