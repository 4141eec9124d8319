package io.statestore.daemon;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** A {@code statestore daemon --config FILE} subprocess with its output in a file (the pattern of SigtermTest). */
final class DaemonProcess implements AutoCloseable {
    /**
     * Hang guard for what a daemon JVM does from its start to its first effect, or from a
     * signal to its exit: starting a JVM on the whole test class path, Quartz and a
     * redis-server. Seconds on an idle machine; at load 20 on 2 cores a JVM gets a tenth of a
     * core, and PortTakenTest once saw no output at all after 30 s. A bound only costs time
     * when something is broken, so it is generous.
     */
    static final Duration JVM_BOUND = Duration.ofSeconds(120);

    final Process process;
    final Path out;

    private DaemonProcess(Process process, Path out) {
        this.process = process;
        this.out = out;
    }

    /** Starts the daemon; {@code ownSession}: under {@code setsid}, so that it leads its own process group. */
    static DaemonProcess start(Path config, Path out, boolean ownSession) throws IOException {
        return start(config, out, ownSession, List.of());
    }

    /** The same, with more options after {@code daemon --config FILE} (e.g. {@code --debug}). */
    static DaemonProcess start(Path config, Path out, boolean ownSession, List<String> options) throws IOException {
        List<String> cmd = new ArrayList<>();
        if (ownSession) {
            cmd.add("setsid");
        }
        cmd.addAll(List.of(
                System.getProperty("java.home") + File.separator + "bin" + File.separator + "java",
                "-cp",
                System.getProperty("java.class.path"),
                "io.statestore.cli.Main",
                "daemon",
                "--config",
                config.toString()));
        cmd.addAll(options);
        Process p = new ProcessBuilder(cmd)
                .redirectErrorStream(true)
                .redirectOutput(out.toFile())
                .start();
        return new DaemonProcess(p, out);
    }

    long pid() {
        return process.pid();
    }

    /** Exit code, or fails when it does not exit within {@link #JVM_BOUND}. */
    int exitWithinBound() throws InterruptedException, IOException {
        return exitWithin((int) JVM_BOUND.toSeconds());
    }

    /** Exit code, or fails when it does not exit within {@code seconds}. */
    int exitWithin(int seconds) throws InterruptedException, IOException {
        if (!process.waitFor(seconds, TimeUnit.SECONDS)) {
            throw new AssertionError("daemon still running after " + seconds + " s; output:\n" + output());
        }
        return process.exitValue();
    }

    String output() throws IOException {
        return Files.exists(out) ? Files.readString(out, StandardCharsets.UTF_8) : "";
    }

    /** Sends {@code signal} (e.g. "KILL", "TERM") to the process, or with {@code group} to its process group. */
    void signal(String signal, boolean group) throws IOException, InterruptedException {
        kill(signal, (group ? "-" : "") + pid());
    }

    /** {@code kill -SIGNAL -- TARGETS} (space-separated PIDs, -PGID for a group) in one call. */
    static void kill(String signal, String targets) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of("kill", "-" + signal, "--"));
        cmd.addAll(List.of(targets.split(" ")));
        Process k = new ProcessBuilder(cmd)
                .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                .redirectError(ProcessBuilder.Redirect.INHERIT)
                .start();
        if (k.waitFor() != 0) {
            throw new IOException("kill -" + signal + " " + targets + " failed");
        }
    }

    /** A daemon still running (a test that failed half-way) gets SIGTERM first, so that it stops its redis-server. */
    @Override
    public void close() throws InterruptedException {
        if (process.isAlive()) {
            process.destroy();
            if (!process.waitFor(20, TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        }
    }
}
