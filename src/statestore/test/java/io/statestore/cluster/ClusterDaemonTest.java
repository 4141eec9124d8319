package io.statestore.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.statestore.client.HistoryPolicy;
import io.statestore.client.StateStore;
import io.statestore.client.WriteOptions;
import io.statestore.client.spi.KeyLayout;
import io.statestore.client.spi.SlotTags;
import io.statestore.daemon.Daemon;
import io.statestore.daemon.config.ConfigLoader;
import io.statestore.daemon.config.DaemonConfig;
import io.statestore.testing.RedisClusterExtension;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.StreamEntryID;
import redis.clients.jedis.resps.StreamEntry;

/**
 * The daemon against an external Redis Cluster (docs/cluster.md, "The daemon on a cluster"): its
 * jobs run once per cluster (the lease is one key) and do their work on every primary.
 */
class ClusterDaemonTest {
    @RegisterExtension
    static RedisClusterExtension cluster = RedisClusterExtension.threePrimaries();

    static final KeyLayout LAYOUT = new KeyLayout("ss:", true);
    /** The daemon's own keys share the {daemon} slot on a cluster. */
    static final String STATUS = "ss:{daemon}:status";

    static final String LEASE = "ss:{daemon}:lease:sweep";

    @TempDir
    Path dir;

    @Test
    void theSweepReapsExpiredDocumentsOnEveryPrimaryAndTheTrimCutsEverySlotFeed() throws Exception {
        StateStore store = cluster.newStore();
        List<String> expiring = putExpiring(store, "exp:", 60, Duration.ofMillis(200));
        for (int i = 0; i < 10; i++) {
            store.put("kept:" + i, Map.of("i", i));
        }
        for (int i = 0; i < 30; i++) { // one slot's feed well beyond the trim's length
            store.put("{hot}:doc", Map.of("n", i));
        }
        String hotFeed = LAYOUT.feed("{hot}:doc");
        assertEquals(30L, (long) onPrimaryOf(hotFeed, j -> j.xlen(hotFeed)));

        try (Daemon daemon = new Daemon(config("""
                expiry:
                  enabled: false
                sweep:
                  schedule: "* * * * * ?"
                trim:
                  schedule: "* * * * * ?"
                  streams:
                    - key: "ss:feed"
                      maxLength: 5
                """))) {
            daemon.start();
            await(
                    Duration.ofSeconds(40),
                    "every expired document reaped",
                    () -> expiring.stream()
                            .allMatch(k -> onPrimaryOf(LAYOUT.index(k), j -> j.zscore(LAYOUT.index(k), k)) == null));
            await(
                    Duration.ofSeconds(20),
                    "the hot slot's feed trimmed to 5",
                    () -> onPrimaryOf(hotFeed, j -> j.xlen(hotFeed)) == 5);
            assertEquals("ok", statusField("sweep_result"));
        }
        for (String k : expiring) {
            String feed = LAYOUT.feed(k);
            List<StreamEntry> last = onPrimaryOf(feed, j -> j.xrevrange(feed, (StreamEntryID) null, null, 20));
            assertTrue(
                    last.stream()
                            .anyMatch(e -> k.equals(e.getFields().get("key"))
                                    && "expired".equals(e.getFields().get("op"))),
                    "the tombstone of " + k + " in its slot's feed: " + last);
        }
        for (int i = 0; i < 10; i++) {
            String k = "kept:" + i;
            assertNotNull(onPrimaryOf(LAYOUT.index(k), j -> j.zscore(LAYOUT.index(k), k)), k + " still listed");
            assertEquals(
                    i, store.get("kept:" + i).orElseThrow().value().get("i").asInt());
        }
        assertNull(onPrimaryOf(LEASE, j -> j.get(LEASE)), "the lease released at stop");
    }

    @Test
    void theServerHistoryPolicyAndTheStoreSettingsReachEverySlot() throws Exception {
        StateStore setter = cluster.newStore();
        List<HistoryPolicy> rules = List.of(new HistoryPolicy("hp:*", 3, Duration.ZERO));
        setter.history().setPolicies(rules);
        StateStore writer = cluster.newStore(); // another client: it follows what is stored, not what it set
        assertEquals(rules, writer.history().policies());
        Set<Integer> primaries = new HashSet<>();
        for (int i = 0; i < 30; i++) {
            String key = "hp:" + i;
            primaries.add(cluster.primaryOfSlot(SlotTags.slot(key)));
            for (int v = 0; v < 5; v++) {
                writer.put(key, Map.of("v", v));
            }
            assertEquals(3, writer.history().list(key).size(), key + " keeps the 3 versions of the server policy");
        }
        assertEquals(3, primaries.size(), "documents on every primary");
        assertEquals(SlotTags.SLOTS, keysOnEveryPrimary("ss:histpolicy{*}"), "the policy in every slot");

        try (Daemon daemon = new Daemon(config("  feedMaxLength: 777\n", """
                sweep:
                  enabled: false
                trim:
                  enabled: false
                """))) {
            daemon.start();
        }
        assertEquals(SlotTags.SLOTS, keysOnEveryPrimary("ss:config{*}"), "the settings in every slot");
        for (int slot : List.of(0, 5460, 5461, 10922, 10923, 16383)) {
            String settings = LAYOUT.settingsOfSlot(slot);
            Object reply = onPrimaryOf(settings, j -> j.fcallReadonly("ss_config_get", List.of(settings), List.of()));
            assertEquals(List.of("feedmax", "777", "jsoncheck", "on"), text(reply), "slot " + slot);
        }
    }

    @Test
    void theExpiryListenerOnEveryPrimaryWritesTombstonesWithoutASweep() throws Exception {
        StateStore store = cluster.newStore();
        try (Daemon daemon = new Daemon(config("""
                sweep:
                  enabled: false
                trim:
                  enabled: false
                """))) {
            daemon.start();
            await(
                    Duration.ofSeconds(30),
                    "a subscription to expiries on each primary",
                    () -> cluster.primaryPorts().stream().allMatch(port -> {
                        try (Jedis j = cluster.node(port)) {
                            return j.pubsubNumSub("__keyevent@0__:expired").get("__keyevent@0__:expired") > 0;
                        }
                    }));
            List<String> expiring = putExpiring(store, "listen:", 30, Duration.ofMillis(300));
            await(
                    Duration.ofSeconds(30),
                    "every expired document's tombstone",
                    () -> expiring.stream()
                            .allMatch(k -> onPrimaryOf(LAYOUT.index(k), j -> j.zscore(LAYOUT.index(k), k)) == null));
        }
    }

    @Test
    void statusAndMetricsShowEveryPrimary() throws Exception {
        cluster.newStore().put("status:doc", Map.of("v", 1));
        try (Daemon daemon = new Daemon(config("""
                sweep:
                  enabled: false
                trim:
                  enabled: false
                """))) {
            daemon.start();
            String metrics = daemon.metrics().render();
            java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
            java.io.ByteArrayOutputStream err = new java.io.ByteArrayOutputStream();
            int code = new picocli.CommandLine(new io.statestore.cli.StatusCommand(
                            Map.of("HOME", dir.toString()),
                            new java.io.PrintStream(out, true, java.nio.charset.StandardCharsets.UTF_8),
                            new java.io.PrintStream(err, true, java.nio.charset.StandardCharsets.UTF_8)))
                    .execute("--config", dir.resolve("statestore.yaml").toString());
            String status = out.toString(java.nio.charset.StandardCharsets.UTF_8);
            assertEquals(0, code, status + err);
            assertTrue(status.contains("daemons alive: cluster-daemon"), status);
            long slots = 0;
            for (int port : cluster.primaryPorts()) {
                String line = status.lines()
                        .filter(l -> l.startsWith("primary 127.0.0.1:" + port + " "))
                        .findFirst()
                        .orElseThrow(() -> new AssertionError("no line for primary " + port + ":\n" + status));
                assertTrue(line.contains("reachable, role master, slots "), line);
                int library = io.statestore.client.spi.FunctionLibrary.bundled().version();
                assertTrue(line.contains("library " + library), line);
                slots += Long.parseLong(line.replaceAll(".*, slots (\\d+) .*", "$1"));
                assertTrue(metrics.contains("statestore_primary_up{primary=\"127.0.0.1:" + port + "\"} 1"), metrics);
                assertTrue(
                        metrics.contains(
                                "statestore_primary_library_version{primary=\"127.0.0.1:" + port + "\"} " + library),
                        metrics);
            }
            assertEquals(SlotTags.SLOTS, slots, "the primaries' slots add up to all of them");
        }
    }

    private static List<String> text(Object reply) {
        List<String> out = new ArrayList<>();
        for (Object o : (List<?>) reply) {
            out.add(o instanceof byte[] b ? new String(b, java.nio.charset.StandardCharsets.UTF_8) : String.valueOf(o));
        }
        return out;
    }

    /** Keys matching {@code pattern} on all primaries together (SCAN of each). */
    private static long keysOnEveryPrimary(String pattern) {
        long n = 0;
        for (int port : cluster.primaryPorts()) {
            try (Jedis j = cluster.node(port)) {
                String cursor = "0";
                do {
                    var page = j.scan(
                            cursor,
                            new redis.clients.jedis.params.ScanParams()
                                    .match(pattern)
                                    .count(1000));
                    n += page.getResult().size();
                    cursor = page.getCursor();
                } while (!"0".equals(cursor));
            }
        }
        return n;
    }

    private DaemonConfig config(String jobs) throws Exception {
        return config("", jobs);
    }

    /** A daemon's config for this cluster: {@code redisLines} go under {@code redis:}, {@code jobs} at the end. */
    private DaemonConfig config(String redisLines, String jobs) throws Exception {
        Path data = Files.createDirectories(dir.resolve("data"));
        String yaml = """
                redis:
                  url: %s
                %sdataDir: %s
                daemon:
                  id: cluster-daemon
                acl:
                  enabled: false
                backup:
                  enabled: false
                http:
                  enabled: false
                """.formatted(cluster.uri(), redisLines, data) + jobs;
        Path f = dir.resolve("statestore.yaml");
        Files.writeString(f, yaml);
        return new ConfigLoader().load(f, Map.of("HOME", dir.toString()));
    }

    private String statusField(String field) {
        return onPrimaryOf(STATUS, j -> j.hget(STATUS, field));
    }

    /** Runs {@code work} on the primary that serves {@code key}'s slot now. */
    private static <T> T onPrimaryOf(String key, java.util.function.Function<Jedis, T> work) {
        try (Jedis j = cluster.node(cluster.primaryOfSlot(SlotTags.slot(key)))) {
            return work.apply(j);
        }
    }

    private static void await(Duration limit, String what, BooleanSupplier done) throws InterruptedException {
        long deadline = System.nanoTime() + limit.toNanos();
        while (!done.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("not within " + limit.toSeconds() + " s: " + what);
            }
            Thread.sleep(100);
        }
    }

    /** Puts {@code n} documents {@code prefix0..} expiring after {@code ttl}; they land on every primary. */
    private static List<String> putExpiring(StateStore store, String prefix, int n, Duration ttl) {
        List<String> keys = new ArrayList<>();
        Set<Integer> primaries = new HashSet<>();
        for (int i = 0; i < n; i++) {
            String key = prefix + i;
            store.put(key, Map.of("i", i), WriteOptions.ttl(ttl));
            keys.add(key);
            primaries.add(cluster.primaryOfSlot(SlotTags.slot(key)));
        }
        assertEquals(3, primaries.size(), "expiring documents on every primary");
        return keys;
    }
}
