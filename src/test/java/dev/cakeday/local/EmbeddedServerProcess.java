package dev.cakeday.local;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.nio.file.Path;

/**
 * Run as its own JVM: starts the embedded PostgreSQL on the data directory it is given, says
 * "started", and waits to be killed, as a local mode that is stopped hard.
 */
public final class EmbeddedServerProcess {

    private EmbeddedServerProcess() {}

    public static void main(String[] args) throws Exception {
        EmbeddedPostgres.builder()
                .setDataDirectory(Path.of(args[0]))
                .setCleanDataDirectory(false)
                .start();
        System.out.println("started");
        System.out.flush();
        Thread.sleep(Long.MAX_VALUE);
    }
}
