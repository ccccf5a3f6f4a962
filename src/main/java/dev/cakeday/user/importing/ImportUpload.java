package dev.cakeday.user.importing;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Semaphore;
import org.springframework.stereotype.Component;

/**
 * Receives an import over HTTP. The body is spooled to a temporary file first, in constant memory
 * and up to {@code cakeday.import.max-size}; only once it is all there does the import open its
 * transaction. A client that trickles a large file therefore holds no pooled connection and no open
 * transaction (which would hold back vacuum of {@code scheduled_tasks}) while it uploads. At most
 * {@code max-concurrent} imports run at once, uploads included; the file is deleted afterwards,
 * whatever happened.
 */
@Component
class ImportUpload {

    private static final Duration RETRY_AFTER = Duration.ofSeconds(30);
    private static final int BUFFER = 64 * 1024;

    private final UserImport userImport;
    private final long maxBytes;
    private final int maxConcurrent;
    private final Semaphore running;

    ImportUpload(UserImport userImport, ImportProperties properties) {
        this.userImport = userImport;
        this.maxBytes = properties.maxSize().toBytes();
        this.maxConcurrent = properties.maxConcurrent();
        this.running = new Semaphore(maxConcurrent);
    }

    ImportReport receive(InputStream body, long declaredLength, ImportFormat format) {
        if (declaredLength > maxBytes) {
            throw new ImportTooLargeException(maxBytes);
        }
        if (!running.tryAcquire()) {
            throw new ImportBusyException(maxConcurrent, RETRY_AFTER);
        }
        Path spooled = null;
        try {
            spooled = Files.createTempFile("cakeday-import-", "." + format.name().toLowerCase());
            try {
                spool(body, spooled);
            } catch (IOException e) {
                throw new MalformedImportException(
                        "the upload ended before its end ("
                                + e.getClass().getSimpleName()
                                + "); nothing was imported");
            }
            try (InputStream in = Files.newInputStream(spooled)) {
                return userImport.run(in, format, ImportProgress.NONE);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } finally {
            running.release();
            deleteQuietly(spooled);
        }
    }

    private void spool(InputStream body, Path file) throws IOException {
        byte[] buffer = new byte[BUFFER];
        long total = 0;
        try (OutputStream out = Files.newOutputStream(file)) {
            for (int n = body.read(buffer); n >= 0; n = body.read(buffer)) {
                total += n;
                if (total > maxBytes) {
                    throw new ImportTooLargeException(maxBytes);
                }
                out.write(buffer, 0, n);
            }
        }
    }

    private static void deleteQuietly(Path file) {
        if (file == null) {
            return;
        }
        try {
            Files.deleteIfExists(file);
        } catch (IOException e) {
            file.toFile().deleteOnExit();
        }
    }
}
