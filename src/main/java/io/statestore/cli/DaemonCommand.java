package io.statestore.cli;

import io.statestore.daemon.Daemon;
import io.statestore.daemon.config.ConfigException;
import io.statestore.daemon.config.DaemonConfig;
import java.io.PrintStream;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** {@code statestore daemon [--config FILE]}: runs until SIGTERM, then stops in order and exits 0. */
@Command(name = "daemon", mixinStandardHelpOptions = true, description = "Run the statestore daemon (embedded Redis unless redis.url is set).")
public final class DaemonCommand implements Callable<Integer> {
    @Mixin
    ConfigOption config = new ConfigOption();

    private final Map<String, String> env;
    private final PrintStream err;
    private final boolean haltOnSignal;

    public DaemonCommand() {
        this(System.getenv(), System.err, true);
    }

    public DaemonCommand(Map<String, String> env, PrintStream err, boolean haltOnSignal) {
        this.env = env;
        this.err = err;
        this.haltOnSignal = haltOnSignal;
    }

    @Override
    public Integer call() throws InterruptedException {
        io.statestore.daemon.Logging.configureDaemonDefaults();
        DaemonConfig cfg;
        try {
            cfg = config.load(env);
        } catch (ConfigException e) {
            err.println("statestore: " + e.getMessage());
            return 1;
        }
        Daemon daemon = new Daemon(cfg);
        Thread hook = new Thread(() -> {
            daemon.stop();
            if (haltOnSignal) {
                System.out.flush();
                Runtime.getRuntime().halt(daemon.exitCode()); // a SIGTERM'd JVM would otherwise exit 143
            }
        }, "shutdown");
        Runtime.getRuntime().addShutdownHook(hook);
        try {
            daemon.start();
        } catch (Exception e) {
            err.println("statestore: daemon failed to start: " + e.getMessage());
            daemon.stop();
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException shuttingDown) {
                // already exiting
            }
            return 1;
        }
        return daemon.awaitExit(); // non-zero: it gave up on the embedded server (one line logged)
    }
}
