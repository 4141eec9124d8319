package io.statestore.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.statestore.client.EventBus;
import io.statestore.client.StateStoreOptions;
import io.statestore.client.events.EventBusOptions;
import io.statestore.client.events.GroupStats;
import io.statestore.client.events.StreamStats;
import io.statestore.client.StrictJson;
import io.statestore.client.internal.RedisEndpoint;
import io.statestore.daemon.config.DaemonConfig;
import io.statestore.daemon.redis.RedisAdmin;
import java.io.PrintStream;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import redis.clients.jedis.params.ScanParams;

/** {@code statestore status [--json]}: the status hash and live daemons; exit 1 if none alive or the last backup failed. */
@Command(name = "status", mixinStandardHelpOptions = true, description = "Show the daemon status.")
public final class StatusCommand extends DaemonConfigCommand implements Callable<Integer> {
    @Option(names = "--json", description = "print JSON for scripts")
    boolean json;


    /** As a subcommand of {@link Main}: prints to the streams {@code Main.run} was given. */
    public StatusCommand() {
        this(System.getenv(), System.out, System.err, true);
    }

    public StatusCommand(Map<String, String> env, PrintStream out, PrintStream err) {
        this(env, out, err, false);
    }

    private StatusCommand(Map<String, String> env, PrintStream out, PrintStream err, boolean streamsFromMain) {
        super(env, out, err, streamsFromMain);
    }

    @Override
    public Integer call() {
        DaemonConfig cfg = loadConfig();
        if (cfg == null) {
            return 1;
        }
        StateStoreOptions options = cfg.redisOptions().build();
        String uri = RedisEndpoint.parse(options.uri(), Optional.empty(), Optional.empty()).describe(); // no password
        String prefix = cfg.redis().keyPrefix();
        Map<String, String> status;
        List<String> alive;
        try (RedisAdmin redis = new RedisAdmin(options)) {
            Map<String, String> h = redis.with(j -> j.hgetAll(prefix + "status"));
            status = new TreeMap<>(h);
            alive = redis.with(j -> j.scan("0", new ScanParams().match(prefix + "heartbeat:*").count(1000)).getResult())
                    .stream().map(k -> k.substring((prefix + "heartbeat:").length())).sorted().toList();
        } catch (RuntimeException e) {
            err.println("statestore: cannot reach Redis at " + uri + ": " + e.getMessage());
            return 1;
        }
        String events = eventsSummary(options);
        boolean backupFailed = "failed".equals(status.get("backup_result"));
        if (json) {
            ObjectNode o = StrictJson.mapper().createObjectNode();
            o.put("alive", !alive.isEmpty());
            o.putPOJO("daemons", alive);
            o.putPOJO("status", status);
            o.put("events", events);
            out.println(o.toString());
        } else {
            out.println("daemons alive: " + (alive.isEmpty() ? "none" : String.join(", ", alive)));
            status.forEach((k, v) -> out.println(k + ": " + v));
            out.println("events: " + events);
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

    /**
     * One line about the event bus: streams, total pending, the largest lag (and where), the
     * oldest pending entry. A failure to read it is reported in the line, not as an exit code.
     */
    static String eventsSummary(StateStoreOptions options) {
        try (EventBus bus = EventBus.open(options, EventBusOptions.DEFAULT)) {
            List<StreamStats> streams = bus.info();
            long entries = 0;
            long pending = 0;
            long lag = -1;
            String lagWhere = "";
            java.time.Duration oldest = java.time.Duration.ZERO;
            int groups = 0;
            for (StreamStats s : streams) {
                entries += s.length();
                for (GroupStats g : s.groups()) {
                    groups++;
                    pending += g.pending();
                    if (g.lag() > lag) {
                        lag = g.lag();
                        lagWhere = g.name() + " on " + s.key();
                    }
                    if (g.pending() > 0 && g.oldestPendingAge().compareTo(oldest) > 0) {
                        oldest = g.oldestPendingAge();
                    }
                }
            }
            StringBuilder sb = new StringBuilder();
            sb.append(streams.size()).append(streams.size() == 1 ? " stream" : " streams").append(", ")
                    .append(entries).append(" entries, ").append(groups).append(groups == 1 ? " group" : " groups")
                    .append(", ").append(pending).append(" pending");
            if (lag >= 0) {
                sb.append(", largest lag ").append(lag).append(" (").append(lagWhere).append(')');
            }
            if (pending > 0) {
                sb.append(", oldest pending ").append(oldest.toSeconds()).append('s');
            }
            return sb.toString();
        } catch (RuntimeException e) {
            return "unavailable (" + e.getMessage() + ")";
        }
    }
}
