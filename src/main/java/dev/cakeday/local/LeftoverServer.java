package dev.cakeday.local;

import java.io.BufferedReader;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
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
        // SIGTERM: PostgreSQL's smart shutdown, which waits for its clients; the local mode that
        // was its client is gone.
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
    // told apart by its executable and its -D argument, exactly this data directory.
    private static Optional<ProcessHandle> serverOn(Path dataDir) throws IOException {
        Path lock = dataDir.resolve("postmaster.pid");
        if (!Files.exists(lock)) {
            return Optional.empty();
        }
        String pid;
        try (BufferedReader reader = Files.newBufferedReader(lock, StandardCharsets.ISO_8859_1)) {
            pid = String.valueOf(reader.readLine()).strip();
        }
        if (!pid.matches("\\d{1,18}")) {
            return Optional.empty();
        }
        return ProcessHandle.of(Long.parseLong(pid))
                .filter(ProcessHandle::isAlive)
                .filter(process -> process.pid() != ProcessHandle.current().pid())
                .filter(process -> runsPostgresOn(process, dataDir));
    }

    private static boolean runsPostgresOn(ProcessHandle process, Path dataDir) {
        ProcessHandle.Info info = process.info();
        boolean postgres =
                info.command()
                        .map(Path::of)
                        .map(command -> command.getFileName().toString().equals("postgres"))
                        .orElse(false);
        List<String> arguments = info.arguments().map(List::of).orElse(List.of());
        int d = arguments.indexOf("-D");
        return postgres
                && d >= 0
                && d + 1 < arguments.size()
                && arguments.get(d + 1).equals(dataDir.toString());
    }

    // The embedded server's owner holds a lock on the library's epg-lock file while it lives; the
    // server itself outlives it (pg_ctl detaches it), so only the lock tells a live owner.
    private static boolean ownerAlive(Path dataDir) throws IOException {
        Path lock = dataDir.resolve("epg-lock");
        if (!Files.exists(lock)) {
            return false;
        }
        try (FileChannel channel =
                        FileChannel.open(
                                lock, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
                FileLock held = channel.tryLock()) {
            return held == null;
        } catch (OverlappingFileLockException e) {
            return true;
        }
    }
}
