package io.statestore.daemon;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.statestore.client.StateStore;
import io.statestore.client.WriteOptions;
import io.statestore.client.spi.KeyLayout;
import io.statestore.daemon.config.DaemonConfig;
import io.statestore.daemon.expiry.ExpiryListener;
import io.statestore.daemon.redis.RedisAdmin;
import io.statestore.daemon.sweep.DocumentArchiver;
import io.statestore.daemon.sweep.Reaper;
import io.statestore.daemon.sweep.RetentionSweeper;
import io.statestore.daemon.sweep.SweepResult;
import io.statestore.testing.RedisServerExtension;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.StreamEntryID;
import redis.clients.jedis.resps.StreamEntry;

class SweepTest {
    @RegisterExtension
    static RedisServerExtension redis = RedisServerExtension.portable();

    @TempDir
    Path archive;

    private final KeyLayout layout = new KeyLayout("ss:");

    @BeforeEach
    void clean() {
        redis.flushAll();
    }

    @Test
    void sweepRemovesExactlyTheSelectedDocumentsWithOneTombstoneEach() throws Exception {
        StateStore store = redis.newStore();
        for (int i = 1; i <= 5; i++) {
            store.put("log:" + i, Map.of("n", i));
        }
        store.put("tmp:old", Map.of("x", 1));
        store.put("tmp:fresh", Map.of("x", 2));
        store.put("cfg:a", Map.of("keep", true));
        store.put("cache:a", Map.of("c", 1));
        try (Jedis j = redis.jedis()) {
            // make log:N's update time N seconds ago (older N first) and tmp:old two days old
            long now = System.currentTimeMillis();
            for (int i = 1; i <= 5; i++) {
                j.hset(layout.meta("log:" + i), "mtime", Long.toString(now - 10_000 + i * 1000L));
            }
            j.hset(
                    layout.meta("tmp:old"),
                    "mtime",
                    Long.toString(now - Duration.ofDays(2).toMillis()));
        }
        List<DaemonConfig.Policy> policies = List.of(
                new DaemonConfig.Policy("log:*", null, 2, null),
                new DaemonConfig.Policy("tmp:*", Duration.ofDays(1), 0, null),
                new DaemonConfig.Policy("cache:*", null, 0, Duration.ofHours(1)));
        try (RedisAdmin admin = new RedisAdmin(store.options())) {
            RetentionSweeper sweeper = new RetentionSweeper(
                    store,
                    admin,
                    layout,
                    policies,
                    Optional.of(new DocumentArchiver(archive)),
                    new Reaper(admin, layout, "test-daemon"));
            SweepResult r = sweeper.sweep();
            assertEquals(4, r.deleted());
            assertEquals(4, r.archived());
            assertEquals(1, r.ttlApplied());
            assertEquals(Set.of("log:4", "log:5", "tmp:fresh", "cfg:a", "cache:a"), Set.copyOf(store.list("")));
            try (Jedis j = redis.jedis()) {
                assertTrue(j.pttl("cache:a") > 0);
                Map<String, Integer> tombstones = new HashMap<>();
                for (StreamEntry e : j.xrange("ss:feed", (StreamEntryID) null, null)) {
                    if ("del".equals(e.getFields().get("op"))) {
                        tombstones.merge(e.getFields().get("key"), 1, Integer::sum);
                    }
                }
                assertEquals(Map.of("log:1", 1, "log:2", 1, "log:3", 1, "tmp:old", 1), tombstones);
            }
            try (Stream<Path> files = Files.walk(archive)) {
                assertEquals(
                        4, files.filter(p -> p.toString().endsWith(".json")).count());
            }
            // a second sweep finds nothing more to do
            SweepResult again = sweeper.sweep();
            assertEquals(0, again.deleted());
        }
    }

    @Test
    void nativelyExpiredDocumentGetsItsTombstoneFromSweepAndListener() throws Exception {
        StateStore store = redis.newStore();
        store.put("session:a", Map.of("u", 1), WriteOptions.ttl(Duration.ofMillis(50)));
        try (RedisAdmin admin = new RedisAdmin(store.options());
                Jedis j = redis.jedis()) {
            TestSupport.await(Duration.ofSeconds(30), "session:a to expire", () -> !j.exists("session:a"));
            RetentionSweeper sweeper = new RetentionSweeper(
                    store, admin, layout, List.of(), Optional.empty(), new Reaper(admin, layout, "test-daemon"));
            SweepResult r = sweeper.sweep();
            assertEquals(1, r.reaped());
            assertEquals(1, expiredEvents(j, "session:a"));
            assertFalse(j.zscore("ss:index", "session:a") != null);

            ExpiryListener listener = new ExpiryListener(admin, new Reaper(admin, layout, "test-daemon"));
            listener.start();
            try {
                TestSupport.await(
                        Duration.ofSeconds(30),
                        "listener subscribed",
                        () -> j.pubsubNumSub("__keyevent@0__:expired").getOrDefault("__keyevent@0__:expired", 0L) > 0);
                store.put("session:b", Map.of("u", 2), WriteOptions.ttl(Duration.ofMillis(50)));
                TestSupport.await(
                        Duration.ofSeconds(10), "tombstone of session:b", () -> expiredEvents(j, "session:b") == 1);
                assertEquals(1, sweeper.sweep().reaped() + 1, "nothing left for the sweep");
            } finally {
                listener.close();
            }
        }
    }

    private static long expiredEvents(Jedis j, String key) {
        return j.xrange("ss:feed", (StreamEntryID) null, null).stream()
                .filter(e -> "expired".equals(e.getFields().get("op"))
                        && key.equals(e.getFields().get("key")))
                .count();
    }
}
