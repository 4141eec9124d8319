package io.statestore.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.statestore.client.Durations;
import io.statestore.client.EventBus;
import io.statestore.client.PermissionDeniedException;
import io.statestore.client.Role;
import io.statestore.client.StateStoreOptions;
import io.statestore.client.StrictJson;
import io.statestore.client.events.EventBusOptions;
import io.statestore.client.events.GroupStats;
import io.statestore.client.events.StreamStats;
import io.statestore.client.spi.Permissions;
import io.statestore.client.spi.RedisEndpoint;
import io.statestore.daemon.config.DaemonConfig;
import io.statestore.daemon.redis.DaemonKeys;
import io.statestore.daemon.redis.RedisAdmin;
import io.statestore.daemon.status.DaemonBeat;
import io.statestore.daemon.status.DaemonRegistry;
import io.statestore.daemon.status.PrimaryFacts;
import io.statestore.daemon.status.ServerHealth;
import java.io.PrintStream;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.exceptions.JedisDataException;

/**
 * {@code statestore status [--json]}: the daemons (from {@code <prefix>daemons}: PID, heartbeat
 * age, alive or dead), persistence and memory, the status hash and the event bus; one line on
 * stderr per problem; exit 1 if no daemon is alive, the last backup failed or Redis has a
 * problem. Reads only, with a short timeout: it answers under OOM and MISCONF too.
 */
@Command(name = "status", mixinStandardHelpOptions = true, description = "Show the daemon status.")
public final class StatusCommand extends DaemonConfigCommand implements Callable<Integer> {
    /** Connect and command timeout of every call status makes. */
    static final java.time.Duration TIMEOUT = java.time.Duration.ofSeconds(1);

    @Option(names = "--json", description = "Print JSON, for scripts.")
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
        // status answers quickly or says Redis did not: a short timeout, and nothing but reads
        StateStoreOptions options =
                redisOptions(cfg, Role.ADMIN).timeout(TIMEOUT).build();
        String uri = RedisEndpoint.parse(options.uri(), Optional.empty(), Optional.empty())
                .describe(); // no password
        String prefix = cfg.redis().keyPrefix();
        Map<String, String> status;
        List<DaemonBeat> daemons;
        ServerHealth health;
        List<PrimaryFacts> primaries = List.of(); // a cluster's, one each
        boolean cluster = false;
        // one connection outside the pool: the pool checks a connection with PING, which Redis refuses under MISCONF
        try (RedisAdmin redis = new RedisAdmin(options);
                Jedis j = redis.dedicated((int) TIMEOUT.toMillis())) {
            cluster = redis.cluster();
            if (cluster) { // the daemon's keys share the {daemon} slot, on whichever primary serves it
                String own = DaemonKeys.prefix(prefix, true);
                Map<String, String> hash = redis.with(r -> r.hgetAll(own + "status"));
                status = new TreeMap<String, String>(hash);
                daemons = redis.with(r -> DaemonRegistry.read(r, own));
                primaries = PrimaryFacts.read(redis);
            } else {
                status = new TreeMap<String, String>(j.hgetAll(prefix + "status"));
                daemons = DaemonRegistry.read(j, prefix);
            }
            health = ServerHealth.read(j);
        } catch (JedisDataException e) { // an error reply: it answers, but refuses a read (a user without INFO, ...)
            PermissionDeniedException credential = Permissions.ofConnection(uri, options.user(), e.getMessage());
            if (credential != null) {
                err.println("statestore: " + credential.getMessage());
                return ErrorHandler.PERMISSION_DENIED;
            }
            err.println("statestore: Redis at " + uri + " refused a status read: " + oneLine(e));
            return 1;
        } catch (RuntimeException e) {
            err.println("statestore: cannot reach Redis at " + uri + ": " + oneLine(e));
            return 1;
        }
        List<String> alive =
                daemons.stream().filter(DaemonBeat::alive).map(DaemonBeat::id).toList();
        List<String> problems = new java.util.ArrayList<>(health.problems());
        primaries.stream()
                .filter(p -> !p.reachable())
                .forEach(p -> problems.add("cluster primary " + p.address() + " is unreachable: " + p.error()));
        String events = cluster ? "not on a cluster yet (docs/cluster.md)" : eventsSummary(options);
        boolean backupFailed = "failed".equals(status.get("backup_result"));
        if (json) {
            ObjectNode o = StrictJson.mapper().createObjectNode();
            o.put("alive", !alive.isEmpty());
            o.putPOJO("daemons", alive);
            ArrayNode beats = o.putArray("heartbeats");
            for (DaemonBeat b : daemons) {
                beats.addObject()
                        .put("id", b.id())
                        .put("alive", b.alive())
                        .put("pid", b.pid())
                        .put("host", b.host())
                        .put("started", b.started())
                        .put("heartbeat_age_ms", b.ageMs())
                        .put("interval_ms", b.intervalMs())
                        .put("process_gone", b.processGone());
            }
            o.putPOJO("status", status);
            o.put("persistence", health.persistenceLine());
            o.put("memory", health.memoryLine());
            o.putPOJO("problems", problems);
            o.put("events", events);
            if (cluster) {
                o.putPOJO("primaries", primaries);
            }
            out.println(o.toString());
        } else {
            out.println("daemons alive: " + (alive.isEmpty() ? "none" : String.join(", ", alive)));
            daemons.forEach(b -> out.println(b.describe(health.refusesWrites())));
            out.println("persistence: " + health.persistenceLine());
            out.println("memory: " + health.memoryLine() + (cluster ? " (the node first reached)" : ""));
            primaries.forEach(p -> out.println(p.describe()));
            status.forEach((k, v) -> out.println(k + ": " + v));
            out.println("events: " + events);
        }
        problems.forEach(p -> err.println("statestore: " + p));
        if (alive.isEmpty() && !health.refusesWrites()) {
            // when Redis refuses writes, a stale heartbeat says nothing about the daemon: the problem above is the
            // cause
            err.println("statestore: no daemon is alive ("
                    + (daemons.isEmpty()
                            ? "none registered in " + DaemonRegistry.key(DaemonKeys.prefix(prefix, cluster))
                            : "no heartbeat within its interval")
                    + ")");
        }
        if (backupFailed) {
            err.println("statestore: the last backup failed: " + status.getOrDefault("backup_error", "?"));
        }
        return alive.isEmpty() || backupFailed || !problems.isEmpty() ? 1 : 0;
    }

    /** The message of {@code e} (or its cause's) on one line: never a stack trace. */
    private static String oneLine(Throwable e) {
        String m = e.getMessage();
        if ((m == null || m.isBlank()) && e.getCause() != null) {
            m = e.getCause().getMessage();
        }
        return m == null
                ? e.getClass().getSimpleName()
                : m.lines().findFirst().orElse("").strip();
    }

    /**
     * One line about the event bus: event types (each event counted once, not again for the
     * global stream), events, groups, total pending, dead letters, the largest lag (and where), the
     * oldest pending entry. A failure to read it is reported in the line, not as an exit code.
     */
    static String eventsSummary(StateStoreOptions options) {
        try (EventBus bus = EventBus.open(options, EventBusOptions.DEFAULT)) {
            List<StreamStats> streams = bus.info();
            // every event is in its type's stream and once more in the global stream: count the type streams
            int types = 0;
            boolean global = false;
            long events = 0;
            long deadLetters = 0;
            long pending = 0;
            long lag = -1;
            String lagWhere = "";
            java.time.Duration oldest = java.time.Duration.ZERO;
            int groups = 0;
            for (StreamStats s : streams) {
                switch (s.kind()) {
                    case "type" -> {
                        types++;
                        events += s.length();
                    }
                    case "all" ->
                        global = s.length() > 0 || !s.groups().isEmpty(); // listed even before the first event
                    case "dlq" -> deadLetters += s.length();
                    default -> {}
                }
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
            sb.append(types)
                    .append(types == 1 ? " type" : " types")
                    .append(global ? " (+ the global stream)" : "")
                    .append(", ")
                    .append(events)
                    .append(events == 1 ? " event" : " events")
                    .append(", ")
                    .append(groups)
                    .append(groups == 1 ? " group" : " groups")
                    .append(", ")
                    .append(pending)
                    .append(" pending");
            if (deadLetters > 0) {
                sb.append(", ").append(deadLetters).append(deadLetters == 1 ? " dead letter" : " dead letters");
            }
            if (lag >= 0) {
                sb.append(", largest lag ")
                        .append(lag)
                        .append(" (")
                        .append(lagWhere)
                        .append(')');
            }
            if (pending > 0) {
                sb.append(", oldest pending ")
                        .append(Durations.format(java.time.Duration.ofSeconds(oldest.toSeconds())));
            }
            return sb.toString();
        } catch (RuntimeException e) {
            return "unavailable (" + e.getMessage() + ")";
        }
    }
}
