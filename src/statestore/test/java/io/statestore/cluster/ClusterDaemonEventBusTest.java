package io.statestore.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.statestore.client.EventBus;
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

/**
 * The daemon's event-bus parts on a cluster (docs/cluster.md, "The daemon on a cluster"): its
 * trim job trims every type's streams on the primary serving the type, and the bus's limits are
 * written to each type's slot, also for a type first published after the daemon started.
 */
class ClusterDaemonEventBusTest {
    @RegisterExtension
    static RedisClusterExtension cluster = RedisClusterExtension.shared();

    @TempDir
    Path dir;

    @Test
    void theTrimJobCutsEveryTypeOnEveryPrimaryAndEachTypeGetsTheLimits() throws Exception {
        EventBus bus = cluster.newStore().events();
        List<String> types = typesOnEveryPrimary();
        for (String t : types) {
            for (int i = 0; i < 20; i++) {
                bus.publish(t, "daemon-test", Map.of("n", i));
            }
            assertEquals(20L, (long) onPrimaryOf(stream(t), j -> j.xlen(stream(t))));
        }
        try (Daemon daemon = new Daemon(config())) {
            daemon.start();
            for (String t : types) {
                assertEquals("5", onPrimaryOf(config(t), j -> j.hget(config(t), "maxlen")), t + "'s limits at start");
                await(
                        "the streams of " + t + " trimmed to 5",
                        () -> onPrimaryOf(stream(t), j -> j.xlen(stream(t))) == 5
                                && onPrimaryOf(global(t), j -> j.xlen(global(t))) == 5);
            }
            String late = "late.type";
            bus.publish(late, "daemon-test", Map.of("n", 0));
            await(
                    "the limits of a type first published after the start, at the next trim",
                    () -> "5".equals(onPrimaryOf(config(late), j -> j.hget(config(late), "maxlen"))));
        }
    }

    /** Three event types whose slots are served by three different primaries. */
    private static List<String> typesOnEveryPrimary() {
        List<String> out = new ArrayList<>();
        Set<Integer> primaries = new HashSet<>();
        for (int i = 0; out.size() < 3; i++) {
            String t = "trimmed." + i;
            if (primaries.add(cluster.primaryOfSlot(SlotTags.slot(stream(t))))) {
                out.add(t);
            }
        }
        return out;
    }

    private static String stream(String type) {
        return "ss:{ev:" + type + "}:t:" + type;
    }

    private static String global(String type) {
        return "ss:{ev:" + type + "}:all";
    }

    private static String config(String type) {
        return "ss:{ev:" + type + "}:config";
    }

    private DaemonConfig config() throws Exception {
        Path data = Files.createDirectories(dir.resolve("data"));
        String yaml = """
                redis:
                  url: %s
                dataDir: %s
                daemon:
                  id: cluster-event-daemon
                acl:
                  enabled: false
                backup:
                  enabled: false
                http:
                  enabled: false
                expiry:
                  enabled: false
                sweep:
                  enabled: false
                trim:
                  schedule: "* * * * * ?"
                  events:
                    enabled: true
                    maxLength: 5
                """.formatted(cluster.uri(), data);
        Path f = dir.resolve("statestore.yaml");
        Files.writeString(f, yaml);
        return new ConfigLoader().load(f, Map.of("HOME", dir.toString()));
    }

    private static <T> T onPrimaryOf(String key, java.util.function.Function<Jedis, T> work) {
        try (Jedis j = cluster.node(cluster.primaryOfSlot(SlotTags.slot(key)))) {
            return work.apply(j);
        }
    }

    private static void await(String what, BooleanSupplier done) throws InterruptedException {
        Duration limit = Duration.ofSeconds(30);
        long deadline = System.nanoTime() + limit.toNanos();
        while (!done.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("not within " + limit.toSeconds() + " s: " + what);
            }
            Thread.sleep(100);
        }
    }
}
