package io.statestore.daemon.status;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.statestore.client.StrictJson;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import redis.clients.jedis.Jedis;

/**
 * The hash {@code <prefix>daemons}: daemon id → JSON {@code {pid, host, started, interval_ms,
 * beat_ms}}, written by each heartbeat (server clock, {@code heartbeat.lua}), removed on a clean
 * stop. {@code statestore status} finds every daemon with one {@code HGETALL}, never a scan of
 * the keyspace, and judges each by the age of its last beat against its own interval.
 */
public final class DaemonRegistry {
    private static final String SCRIPT = resource("heartbeat.lua");

    private final String prefix;
    private final String id;
    private final String entry;

    public DaemonRegistry(String prefix, String id, Duration interval) {
        this.prefix = prefix;
        this.id = id;
        ObjectNode o = StrictJson.mapper().createObjectNode();
        o.put("pid", ProcessHandle.current().pid());
        o.put("host", hostName());
        o.put("started", Instant.now().toString());
        o.put("interval_ms", interval.toMillis());
        this.entry = o.toString();
    }

    public static String key(String prefix) {
        return prefix + "daemons";
    }

    /** Writes this daemon's entry and its heartbeat key (expiring after {@code ttl}); works over maxmemory. */
    public void beat(Jedis j, String heartbeatKey, Duration ttl) {
        j.eval(
                SCRIPT,
                List.of(key(prefix), heartbeatKey),
                List.of(id, entry, Instant.now().toString(), Long.toString(ttl.toMillis())));
    }

    /** Removes the entries of daemons that have not beaten for longer than {@code deadFor} past their interval. */
    public void prune(Jedis j, Duration deadFor) {
        for (DaemonBeat b : read(j, prefix)) {
            if (!b.id().equals(id) && b.ageMs() > b.intervalMs() + deadFor.toMillis()) {
                j.hdel(key(prefix), b.id());
            }
        }
    }

    public void remove(Jedis j) {
        j.hdel(key(prefix), id);
    }

    /** Every daemon's entry, ordered by id, aged by the server's clock ({@code TIME}). Reads only. */
    public static List<DaemonBeat> read(Jedis j, String prefix) {
        Map<String, String> all = j.hgetAll(key(prefix));
        List<String> time = j.time();
        long now = Long.parseLong(time.get(0)) * 1000 + Long.parseLong(time.get(1)) / 1000;
        List<DaemonBeat> out = new ArrayList<>();
        all.forEach((daemon, json) -> {
            try {
                JsonNode n = StrictJson.mapper().readTree(json);
                long beat = n.path("beat_ms").asLong();
                long pid = n.path("pid").asLong();
                String host = n.path("host").asText("?");
                String started = n.path("started").asText("?");
                out.add(new DaemonBeat(
                        daemon,
                        pid,
                        host,
                        started,
                        beat,
                        n.path("interval_ms").asLong(),
                        Math.max(0, now - beat),
                        LocalProcess.gone(host, pid, started)));
            } catch (IOException | RuntimeException e) {
                out.add(new DaemonBeat(daemon, 0, "?", "?", 0, 0, Long.MAX_VALUE, false)); // unreadable: not alive
            }
        });
        out.sort(Comparator.comparing(DaemonBeat::id));
        return out;
    }

    static String hostName() {
        try {
            return java.net.InetAddress.getLocalHost().getHostName();
        } catch (java.net.UnknownHostException e) {
            return "localhost";
        }
    }

    private static String resource(String name) {
        try (InputStream in = DaemonRegistry.class.getResourceAsStream("/io/statestore/daemon/" + name)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
