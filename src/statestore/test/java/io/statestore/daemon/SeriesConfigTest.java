package io.statestore.daemon;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.statestore.daemon.config.ConfigException;
import io.statestore.daemon.config.DaemonConfig;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The {@code series} and {@code seriesStore} settings: what binds, and the words for what does not. */
class SeriesConfigTest {
    @TempDir
    Path dir;

    @Test
    void sampledSeriesBindWithTheirDefaultNames() throws Exception {
        DaemonConfig c = TestSupport.load(dir, """
                series:
                  - key: "quantum:status"
                    path: "$.queue_depth"
                    every: 10s
                  - key: "quantum:status"
                    path: "$.workers"
                    every: 1m
                    name: workers
                seriesStore:
                  rawRetention: 2d
                """);
        assertEquals(
                List.of(
                        new DaemonConfig.Sampled(null, "quantum:status", "$.queue_depth", Duration.ofSeconds(10)),
                        new DaemonConfig.Sampled("workers", "quantum:status", "$.workers", Duration.ofMinutes(1))),
                c.series());
        assertEquals("quantum:status$.queue_depth", c.series().get(0).seriesName());
        assertEquals("workers", c.series().get(1).seriesName());
        assertEquals(
                new DaemonConfig.SeriesStore(
                        true, "*/5 * * * * ?", Duration.ofDays(2), Duration.ofDays(30), true, Duration.ofSeconds(10)),
                c.seriesStore());
        assertEquals(List.of(), TestSupport.load(dir, "backup:\n  keep: 3\n").series(), "none sampled by default");
    }

    @Test
    void badPathBadDurationAndDuplicatesAreNamedByKey() throws Exception {
        String msg = assertThrows(ConfigException.class, () -> TestSupport.load(dir, """
                series:
                  - key: "a"
                    path: "$.x[*]"
                    every: 10s
                  - key: "b"
                    path: "$.n"
                    every: 100ms
                  - key: "b"
                    path: "$.n"
                    every: 20s
                  - path: "$.n"
                    every: 20s
                  - key: "c"
                    path: "$['queue depth']"
                    every: 20s
                seriesStore:
                  rawRetention: 10s
                  schedule: "every five seconds"
                """))
                .getMessage();
        assertTrue(msg.contains("key 'series[0].path': "), msg);
        assertTrue(msg.contains("key 'series[1].every': must be at least 1s, got 100ms"), msg);
        assertTrue(
                msg.contains("key 'series[2]': samples into series \"b$.n\" like series[1]: give one of them another"
                        + " name, or remove the duplicate"),
                msg);
        assertTrue(msg.contains("key 'series[3].key': is required: the document to sample"), msg);
        assertTrue(
                msg.contains(
                        "key 'series[4].name': is required here: the default name \"c$['queue depth']\" (key and path)"
                                + " contains white space, which a series name may not"),
                msg);
        assertTrue(msg.contains("key 'seriesStore.rawRetention': must be at least 1m, got 10s"), msg);
        assertTrue(msg.contains("key 'seriesStore.schedule'"), msg);
    }

    @Test
    void anUnparsableDurationOrUnknownFieldNamesItsKey() {
        String bad = assertThrows(
                        ConfigException.class,
                        () -> TestSupport.load(dir, "series:\n  - key: a\n    path: $.n\n    every: often\n"))
                .getMessage();
        assertTrue(bad.contains("key 'series[0].every'") && bad.contains("often"), bad);
        String unknown = assertThrows(
                        ConfigException.class,
                        () -> TestSupport.load(
                                dir, "series:\n  - key: a\n    path: $.n\n    every: 5s\n    evry: 5s\n"))
                .getMessage();
        assertTrue(unknown.contains("series[0]") && unknown.contains("evry"), unknown);
    }

    @Test
    void seriesStoreSettingsFollowTheEnvironmentRule() {
        DaemonConfig c = new io.statestore.daemon.config.ConfigLoader()
                .load(
                        null,
                        java.util.Map.of(
                                "HOME",
                                dir.toString(),
                                "STATESTORE_SERIES_STORE__ENABLED",
                                "false",
                                "STATESTORE_SERIES_STORE__MINUTE_RETENTION",
                                "90d"));
        assertEquals(false, c.seriesStore().enabled());
        assertEquals(Duration.ofDays(90), c.seriesStore().minuteRetention());
        String bad = assertThrows(
                        ConfigException.class,
                        () -> new io.statestore.daemon.config.ConfigLoader()
                                .load(
                                        null,
                                        java.util.Map.of(
                                                "HOME",
                                                dir.toString(),
                                                "STATESTORE_SERIES_STORE__BUILTIN_EVERY",
                                                "10ms")))
                .getMessage();
        assertTrue(
                bad.contains(
                        "key 'seriesStore.builtinEvery' (from STATESTORE_SERIES_STORE__BUILTIN_EVERY): must be at least 1s,"
                                + " got 10ms"),
                bad);
    }
}
