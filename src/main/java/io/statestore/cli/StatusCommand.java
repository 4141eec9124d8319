package io.statestore.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.statestore.client.StateStoreOptions;
import io.statestore.client.StrictJson;
import io.statestore.daemon.config.ConfigException;
import io.statestore.daemon.config.DaemonConfig;
import io.statestore.daemon.redis.RedisAdmin;
import java.io.PrintStream;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import redis.clients.jedis.params.ScanParams;

/** {@code statestore status [--json]}: the status hash and live daemons; exit 1 if none alive or the last backup failed. */
@Command(name = "status", mixinStandardHelpOptions = true, description = "Show the daemon status.")
public final class StatusCommand implements Callable<Integer> {
    @Mixin
    ConfigOption config = new ConfigOption();
    @Option(names = "--json", description = "print JSON for scripts")
    boolean json;

    private final Map<String, String> env;
    private final PrintStream out;
    private final PrintStream err;

    public StatusCommand() {
        this(System.getenv(), System.out, System.err);
    }

    public StatusCommand(Map<String, String> env, PrintStream out, PrintStream err) {
        this.env = env;
        this.out = out;
        this.err = err;
    }

    @Override
    public Integer call() {
        DaemonConfig cfg;
        try {
            cfg = config.load(env);
        } catch (ConfigException e) {
            err.println("statestore: " + e.getMessage());
            return 1;
        }
        String uri = cfg.redis().embedded() ? "redis://" + cfg.embedded().bind() + ":" + cfg.embedded().port() : cfg.redis().url();
        StateStoreOptions.Builder b = StateStoreOptions.builder().uri(uri);
        if (cfg.redis().passwordFile() != null && !cfg.redis().passwordFile().isBlank()) {
            b.passwordFile(java.nio.file.Path.of(cfg.redis().passwordFile()));
        }
        String prefix = cfg.redis().keyPrefix();
        Map<String, String> status;
        List<String> alive;
        try (RedisAdmin redis = new RedisAdmin(b.build())) {
            Map<String, String> h = redis.with(j -> j.hgetAll(prefix + "status"));
            status = new TreeMap<>(h);
            alive = redis.with(j -> j.scan("0", new ScanParams().match(prefix + "heartbeat:*").count(1000)).getResult())
                    .stream().map(k -> k.substring((prefix + "heartbeat:").length())).sorted().toList();
        } catch (RuntimeException e) {
            err.println("statestore: cannot reach Redis at " + uri + ": " + e.getMessage());
            return 1;
        }
        boolean backupFailed = "failed".equals(status.get("backup_result"));
        if (json) {
            ObjectNode o = StrictJson.mapper().createObjectNode();
            o.put("alive", !alive.isEmpty());
            o.putPOJO("daemons", alive);
            o.putPOJO("status", status);
            out.println(o.toString());
        } else {
            out.println("daemons alive: " + (alive.isEmpty() ? "none" : String.join(", ", alive)));
            status.forEach((k, v) -> out.println(k + ": " + v));
        }
        if (alive.isEmpty()) {
            err.println("statestore: no daemon is alive (no heartbeat)");
            return 1;
        }
        if (backupFailed) {
            err.println("statestore: the last backup failed: " + status.getOrDefault("backup_error", "?"));
            return 1;
        }
        return 0;
    }
}
