package dev.cakeday.user.importing;

import java.io.PrintStream;
import java.time.Duration;

/**
 * Import progress on the console: a bar redrawn in place (rows, rows/s, ETA) on a terminal, plain
 * lines every few seconds otherwise (a log file, a pipe).
 */
final class ConsoleProgress implements ImportProgress {

    private static final int BAR_WIDTH = 30;
    private static final Duration LINE_EVERY = Duration.ofSeconds(5);

    private final PrintStream out;
    private final long totalBytes;
    private final boolean terminal;
    private final long started = System.nanoTime();
    private long lastLine = started;
    private boolean barShown;

    private ConsoleProgress(PrintStream out, long totalBytes, boolean terminal) {
        this.out = out;
        this.totalBytes = totalBytes;
        this.terminal = terminal;
    }

    static ConsoleProgress to(PrintStream out, long totalBytes) {
        return new ConsoleProgress(out, totalBytes, System.console() != null);
    }

    @Override
    public void rowsRead(long rows, long bytes) {
        long now = System.nanoTime();
        double seconds = Math.max(1e-3, (now - started) / 1e9);
        double share = totalBytes == 0 ? 1 : Math.min(1, (double) bytes / totalBytes);
        double rate = rows / seconds;
        long eta = share == 0 ? 0 : Math.round(seconds / share - seconds);
        if (terminal) {
            int filled = (int) Math.round(share * BAR_WIDTH);
            out.printf(
                    "\r[%s%s] %3.0f%%  %,d rows  %,.0f rows/s  ETA %d s   ",
                    "#".repeat(filled),
                    ".".repeat(BAR_WIDTH - filled),
                    share * 100,
                    rows,
                    rate,
                    eta);
            out.flush();
            barShown = true;
        } else if (now - lastLine >= LINE_EVERY.toNanos()) {
            out.printf(
                    "import: %,d rows read (%.0f%%), %,.0f rows/s, ETA %d s%n",
                    rows, share * 100, rate, eta);
            lastLine = now;
        }
    }

    @Override
    public void step(String description) {
        endBar();
        out.printf("import: %s … (at %.1f s)%n", description, (System.nanoTime() - started) / 1e9);
    }

    void done() {
        endBar();
    }

    private void endBar() {
        if (barShown) {
            out.println();
            barShown = false;
        }
    }
}
