package io.statestore.cli;

import io.statestore.client.spi.RedisEndpoint;
import io.statestore.daemon.Daemon;
import io.statestore.daemon.config.ConfigException;
import io.statestore.daemon.config.DaemonConfig;
import java.io.PrintStream;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParseResult;
import picocli.CommandLine.Spec;

/**
 * {@code statestore daemon [--config FILE]}: runs until SIGTERM, then stops in order and exits 0.
 * {@code --redis URL} on the command line is {@code redis.url} (an external server: no embedded
 * redis-server), {@code --password-file}/{@code --sentinel-password-file} are
 * {@code redis.passwordFile}/{@code redis.sentinelPasswordFile}; they win over the config file and
 * {@code STATESTORE_REDIS__URL}. {@code STATESTORE_REDIS_URL} (the CLI's variable) is not read here.
 */
@Command(
        name = "daemon",
        mixinStandardHelpOptions = true,
        description = "Run the statestore daemon (embedded Redis unless --redis or redis.url names a server).")
public final class DaemonCommand implements Callable<Integer> {
    @Mixin
    ConfigOption config = new ConfigOption();

    @Spec
    CommandSpec spec;

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
        CliLogging.useLogback(); // before anything logs: slf4j binds once
        io.statestore.daemon.Logging.configureDaemonDefaults();
        if (spec != null && spec.root().userObject() instanceof Main m && m.debug()) {
            io.statestore.daemon.Logging.showTraces();
        }
        DaemonConfig cfg;
        try {
            cfg = loadConfig();
        } catch (ConfigException e) {
            err.println("statestore: " + e.getMessage());
            return 1;
        }
        Daemon daemon = new Daemon(cfg);
        Thread hook = new Thread(
                () -> {
                    daemon.stop();
                    if (haltOnSignal) {
                        System.out.flush();
                        Runtime.getRuntime().halt(daemon.exitCode()); // a SIGTERM'd JVM would otherwise exit 143
                    }
                },
                "shutdown");
        Runtime.getRuntime().addShutdownHook(hook);
        try {
            daemon.start();
        } catch (Exception e) {
            err.println("statestore: daemon failed to start" + startFailure(cfg, e));
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

    /** ": why", naming the external server unless the reason does (or is not about Redis). */
    private static String startFailure(DaemonConfig cfg, Exception e) {
        String why = String.valueOf(e.getMessage());
        if (cfg.redis().embedded() || e instanceof java.net.BindException) {
            return ": " + why;
        }
        String url = RedisEndpoint.redacted(cfg.redis().url());
        if (e instanceof io.statestore.client.PermissionDeniedException && why.contains("requires a credential")) {
            // the CLI's advice (run as the daemon's user) does not fit the daemon itself
            why = "Redis at " + url + " requires a password: give --password-file FILE or set redis.passwordFile"
                    + " (docs/security.md)";
        }
        return why.contains(url) ? ": " + why : " (Redis at " + url + "): " + why;
    }

    /** The configuration with the connection options given on the command line applied as their settings. */
    public DaemonConfig loadConfig() {
        Main m = spec != null && spec.root().userObject() instanceof Main main ? main : null;
        if (m == null) {
            return config.load(env);
        }
        Map<String, String> withFlags = new HashMap<>(env);
        if (given("--redis") && m.redisUrl != null && !m.redisUrl.isBlank()) {
            withFlags.put("STATESTORE_REDIS__URL", m.redisUrl.strip());
        }
        if (given("--password-file") && m.passwordFile != null) {
            withFlags.put(
                    "STATESTORE_REDIS__PASSWORD_FILE",
                    m.io().workDir().resolve(m.passwordFile).toString());
        }
        if (given("--sentinel-password-file") && m.sentinelPasswordFile != null) {
            withFlags.put(
                    "STATESTORE_REDIS__SENTINEL_PASSWORD_FILE",
                    m.io().workDir().resolve(m.sentinelPasswordFile).toString());
        }
        return config.load(withFlags);
    }

    /** Whether {@code option} was on the command line (not its environment default), before or after {@code daemon}. */
    private boolean given(String option) {
        for (ParseResult pr = spec.root().commandLine().getParseResult(); pr != null; pr = pr.subcommand()) {
            if (pr.hasMatchedOption(option)) {
                return true;
            }
        }
        return false;
    }
}
