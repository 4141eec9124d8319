package io.statestore.daemon.series;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.statestore.client.StateStore;
import io.statestore.client.StateStoreOptions;
import io.statestore.daemon.config.DaemonConfig;
import io.statestore.daemon.redis.RedisAdmin;
import io.statestore.testing.RedisServerExtension;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import redis.clients.jedis.Jedis;

/** Sampling with a fake clock against a real server: due windows, skips, rates, runtime definitions. */
class SeriesSamplerTest {
    @RegisterExtension
    static RedisServerExtension redis = RedisServerExtension.portable();

    static final long T0 = Instant.parse("2026-12-01T00:00:00Z").toEpochMilli();

    final FakeClock clock = new FakeClock(Instant.ofEpochMilli(T0));
    RedisAdmin admin;
    StateStore docs;
    SeriesStore store;
    SeriesKeys keys = new SeriesKeys("ss:");

    @BeforeEach
    void open() {
        redis.flushAll();
        admin = new RedisAdmin(StateStoreOptions.of(redis.uri()));
        docs = redis.newStore();
        store = SeriesStores.open(admin, "ss:", Retention.DEFAULT, clock);
    }

    @AfterEach
    void close() {
        admin.close();
    }

    private SeriesSampler sampler(List<DaemonConfig.Sampled> configured, boolean builtin) {
        return new SeriesSampler(
                store,
                keys,
                admin,
                docs,
                configured,
                builtin ? new DaemonFigures(admin, docs.events(), "ss:") : null,
                Duration.ofSeconds(10),
                clock);
    }

    private void at(long t) {
        clock.set(Instant.ofEpochMilli(t));
    }

    @Test
    void aChangingDocumentIsSampledOncePerWindowAndMissingOrNonNumericFieldsAreSkippedAndCounted() {
        SeriesSampler s = sampler(
                List.of(new DaemonConfig.Sampled(null, "quantum:status", "$.queue_depth", Duration.ofSeconds(10))),
                false);
        SampleRun missingDoc = s.sampleDue();
        assertEquals(new SampleRun(0, 1, 0, 0, 1), missingDoc, "no document yet: skipped as missing");
        docs.put("quantum:status", Map.of("queue_depth", 3));
        at(T0 + 5_000);
        assertEquals(0, s.sampleDue().sampled(), "still in the same 10s window");
        at(T0 + 10_000);
        assertEquals(1, s.sampleDue().sampled());
        docs.merge("quantum:status", Map.of("queue_depth", 7));
        at(T0 + 20_003);
        assertEquals(1, s.sampleDue().sampled());
        docs.merge("quantum:status", Map.of("queue_depth", "lots"));
        at(T0 + 30_000);
        SampleRun text = s.sampleDue();
        assertEquals(1, text.skippedNotNumeric(), "a string is not sampled");
        docs.put("quantum:status", Map.of("other", 1));
        at(T0 + 40_000);
        assertEquals(1, s.sampleDue().skippedMissing(), "a missing field is skipped");
        assertEquals(
                List.of(new Point(T0 + 10_000, 3), new Point(T0 + 20_003, 7)),
                new SeriesReader(store).range("quantum:status$.queue_depth", T0, T0 + 60_000, null));
        try (Jedis j = redis.jedis()) {
            assertEquals("3", j.hget("ss:ts:skipped", "quantum:status$.queue_depth"), "skips are counted per series");
            assertEquals(
                    "quantum:status $.queue_depth every 10s", j.hget("ss:ts:index", "quantum:status$.queue_depth"));
        }
    }

    @Test
    void seriesAddedAtRuntimeAreMergedWithTheConfigsAndTheConfigWinsOnAName() {
        docs.put("pump", Map.of("rpm", 1200, "temp", 61.5));
        SeriesDefinitions defs = new SeriesDefinitions(admin, keys);
        defs.add("pump", "$.temp", Duration.ofSeconds(30), null);
        defs.add("pump", "$.rpm", Duration.ofSeconds(30), "speed");
        SeriesSampler s =
                sampler(List.of(new DaemonConfig.Sampled("speed", "pump", "$.temp", Duration.ofSeconds(10))), false);
        assertEquals(2, s.sampleDue().sampled());
        assertEquals(Map.of("pump$.temp", "pump $.temp every 30s", "speed", "pump $.temp every 10s"), store.series());
        assertEquals(
                List.of(new Point(T0, 61.5)), store.raw("speed", T0, T0), "the config's definition of \"speed\" won");
    }

    @Test
    void builtInSeriesGiveRatesFromTheSecondReadingOn() {
        SeriesSampler s = sampler(List.of(), true);
        s.sampleDue(); // the first reading of counters: gauges only
        assertTrue(
                store.series().containsKey(DaemonFigures.MEMORY), store.series().toString());
        assertTrue(!store.series().containsKey(DaemonFigures.CHANGES), "no rate from one reading");
        for (int i = 0; i < 20; i++) {
            docs.put("k" + i, Map.of("n", i));
        }
        docs.events().publish("order.created", "test", Map.of("id", 1));
        at(T0 + 10_000);
        s.sampleDue();
        assertEquals(
                List.of(new Point(T0 + 10_000, 2.0)),
                store.raw(DaemonFigures.CHANGES, T0, T0 + 10_000),
                "20 changes in 10 seconds");
        assertEquals(
                List.of(new Point(T0 + 10_000, 0.1)),
                store.raw(DaemonFigures.PUBLISHED, T0, T0 + 10_000),
                "one event in 10 seconds");
        assertTrue(store.raw(DaemonFigures.MEMORY, T0, T0 + 10_000).get(1).value() > 100_000, "Redis uses memory");
    }

    @Test
    void aDocumentThatCannotBeReadIsCountedAndTheOtherSeriesAreStillSampled() {
        docs.put("good", Map.of("n", 4));
        try (Jedis j = redis.jedis()) {
            j.set("broken", "{not json"); // written around statestore
        }
        SeriesSampler s = sampler(
                List.of(
                        new DaemonConfig.Sampled(null, "broken", "$.n", Duration.ofSeconds(10)),
                        new DaemonConfig.Sampled(null, "good", "$.n", Duration.ofSeconds(10))),
                false);
        SampleRun run = s.sampleDue();
        assertEquals(1, run.sampled(), run.toString());
        assertEquals(1, run.failed(), "the unreadable document is counted as a failure, not thrown: " + run);
        assertEquals(List.of(new Point(T0, 4)), store.raw("good$.n", T0, T0));
    }
}
