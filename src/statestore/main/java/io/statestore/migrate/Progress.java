package io.statestore.migrate;

import java.io.PrintStream;
import java.io.PrintWriter;

/** A one-line progress bar on stderr, drawn only when a terminal is attached (or when forced). */
public final class Progress {
    private static final int WIDTH = 30;
    private final PrintWriter out;
    private final boolean enabled;
    private long total;
    private long done;
    private long startedNanos;
    private long lastDrawNanos;

    public Progress(PrintStream out, boolean enabled) {
        this(new PrintWriter(out, true), enabled);
    }

    public Progress(PrintWriter out, boolean enabled) {
        this.out = out;
        this.enabled = enabled;
    }

    public static Progress none() {
        return new Progress(System.err, false);
    }

    public static Progress auto() {
        return new Progress(System.err, System.console() != null);
    }

    void start(long totalFiles) {
        total = totalFiles;
        done = 0;
        startedNanos = System.nanoTime();
        draw(true);
    }

    void step(long files) {
        done += files;
        draw(false);
    }

    void finish() {
        draw(true);
        if (enabled) {
            out.println();
            out.flush();
        }
    }

    /**
     * A file that needs a decision (changed in the store since import, overwritten, or a
     * conflict): printed on its own line above the bar.
     */
    void note(FileOutcome o) {
        if (!enabled) {
            return;
        }
        out.print("\r" + " ".repeat(WIDTH + 40) + "\r");
        out.println(MigrationReport.attentionLine(o));
        out.flush();
        draw(true);
    }

    private void draw(boolean force) {
        if (!enabled) {
            return;
        }
        long now = System.nanoTime();
        if (!force && now - lastDrawNanos < 100_000_000L) {
            return;
        }
        lastDrawNanos = now;
        int filled = total == 0 ? WIDTH : (int) (WIDTH * done / total);
        double secs = Math.max(1e-9, (now - startedNanos) / 1e9);
        out.printf(
                "\r[%s%s] %d/%d files  %.0f files/s ",
                "#".repeat(filled), " ".repeat(WIDTH - filled), done, total, done / secs);
        out.flush();
    }
}
