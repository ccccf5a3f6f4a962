package dev.cakeday.local;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A PostgreSQL server left running on the local mode's data directory by a local mode that was
 * killed hard (SIGKILL, an IDE's stop): it holds the directory's lock, so the next start would
 * fail. Stopped before the embedded server starts; while a live local mode owns it, the start stops
 * instead and says so.
 */
final class LeftoverServer {

    private static final Logger log = LoggerFactory.getLogger(LeftoverServer.class);
    private static final long STOP_WAIT_SECONDS = 30;

    private LeftoverServer() {}

    static void stopIfOrphaned(Path dataDir) throws IOException {
        Optional<ProcessHandle> server = serverOn(dataDir);
        if (server.isEmpty()) {
            return;
        }
        ProcessHandle postgres = server.get();
        if (ownerAlive(dataDir)) {
            throw new IllegalStateException(
                    "Another local mode runs PostgreSQL (pid "
                            + postgres.pid()
                            + ") on "
                            + dataDir
                            + ": stop it, or give this one a cakeday.local.data-dir of its own");
        }
        log.warn(
                "A local mode stopped hard left its PostgreSQL (pid {}) running on {}; stopping it",
                postgres.pid(),
                dataDir);
        // SIGTERM: PostgreSQL's smart shutdown; its owner is gone, so no client holds it.
        postgres.destroy();
        try {
            postgres.onExit().get(STOP_WAIT_SECONDS, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("Interrupted while the leftover PostgreSQL stopped", e);
        } catch (ExecutionException | TimeoutException e) {
            throw new IOException(
                    "The leftover PostgreSQL (pid "
                            + postgres.pid()
                            + ") did not stop within "
                            + STOP_WAIT_SECONDS
                            + " s; stop it by hand",
                    e);
        }
    }

    // The lock file's first line is the server's pid. A pid reused by another process since is
    // told apart by its command line, which names the data directory.
    private static Optional<ProcessHandle> serverOn(Path dataDir) throws IOException {
        Path lock = dataDir.resolve("postmaster.pid");
        if (!Files.exists(lock)) {
            return Optional.empty();
        }
        List<String> lines = Files.readAllLines(lock);
        if (lines.isEmpty() || !lines.get(0).strip().matches("\\d+")) {
            return Optional.empty();
        }
        return ProcessHandle.of(Long.parseLong(lines.get(0).strip()))
                .filter(ProcessHandle::isAlive)
                .filter(
                        process ->
                                process.info()
                                        .commandLine()
                                        .map(
                                                line ->
                                                        line.contains("postgres")
                                                                && line.contains(
                                                                        dataDir.toString()))
                                        .orElse(false));
    }

    // The embedded server's owner holds a lock on the library's epg-lock file while it lives; the
    // server itself outlives it (pg_ctl detaches it), so only the lock tells a live owner.
    private static boolean ownerAlive(Path dataDir) throws IOException {
        Path lock = dataDir.resolve("epg-lock");
        if (!Files.exists(lock)) {
            return false;
        }
        try (FileChannel channel = FileChannel.open(lock, StandardOpenOption.WRITE);
                FileLock held = channel.tryLock()) {
            return held == null;
        } catch (OverlappingFileLockException e) {
            return true;
        }
    }
}
