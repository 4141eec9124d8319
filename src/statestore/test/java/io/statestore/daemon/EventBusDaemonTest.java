package io.statestore.daemon;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.statestore.cli.DaemonCommand;
import io.statestore.cli.StatusCommand;
import io.statestore.client.StateStore;
import io.statestore.daemon.config.ConfigException;
import io.statestore.daemon.config.ConfigLoader;
import io.statestore.daemon.config.DaemonConfig;
import io.statestore.testing.RedisServerExtension;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.StreamEntryID;
import redis.clients.jedis.params.XReadGroupParams;
import redis.clients.jedis.resps.StreamEntry;

/** The daemon's side of the event bus: trim.events config, TrimJob via EventBus.trim, /metrics, status line. */
class EventBusDaemonTest {
    private static final String TYPE_STREAM = "ss:{ev}:t:job";
    private static final String ALL_STREAM = "ss:{ev}:all";

    @RegisterExtension
    static RedisServerExtension redis = RedisServerExtension.portable();

    @TempDir
    Path dir;

    @BeforeEach
    void clean() {
        redis.flushAll();
    }

    @Test
    void eventTrimSettingsAreValidatedNamingKeyAndFileAndFollowTheEnvRule() throws Exception {
        Path f = TestSupport.writeConfig(dir, "trim:\n  events:\n    maxLength: -5\n");
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = new CommandLine(new DaemonCommand(
                        Map.of("HOME", dir.toString()), new PrintStream(err, true, StandardCharsets.UTF_8), false))
                .execute("--config", f.toString());
        String msg = err.toString(StandardCharsets.UTF_8);
        assertEquals(1, code, msg);
        assertTrue(msg.contains("key 'trim.events.maxLength'") && msg.contains(f.toString()), msg);
        assertEquals(1, msg.strip().lines().count(), "one line on stderr: " + msg);

        ConfigException e = org.junit.jupiter.api.Assertions.assertThrows(
                ConfigException.class, () -> TestSupport.load(dir, "trim:\n  events:\n    maxAge: soon\n"));
        assertTrue(
                e.getMessage().contains("key 'trim.events.maxAge'")
                        && e.getMessage().contains("invalid duration"),
                e.getMessage());
        ConfigException none = org.junit.jupiter.api.Assertions.assertThrows(
                ConfigException.class,
                () -> TestSupport.load(dir, "trim:\n  events:\n    maxLength: 0\n    maxAge: 0\n"));
        assertTrue(none.getMessage().contains("key 'trim.events'"), none.getMessage());
        ConfigException unknown = org.junit.jupiter.api.Assertions.assertThrows(
                ConfigException.class, () -> TestSupport.load(dir, "trim:\n  events:\n    maxLenght: 5\n"));
        assertTrue(unknown.getMessage().contains("key 'trim.events.maxLenght': unknown setting"), unknown.getMessage());

        DaemonConfig defaults = new ConfigLoader().load(null, Map.of("HOME", dir.toString()));
        assertEquals(
                new DaemonConfig.Events(true, 1_000_000, Duration.ofDays(7)),
                defaults.trim().events());
        DaemonConfig env = new ConfigLoader()
                .load(
                        TestSupport.writeConfig(dir, "trim:\n  events:\n    maxLength: 10\n"),
                        Map.of(
                                "HOME",
                                dir.toString(),
                                "STATESTORE_TRIM__EVENTS__MAX_AGE",
                                "2h",
                                "STATESTORE_TRIM__EVENTS__ENABLED",
                                "false"));
        assertEquals(
                new DaemonConfig.Events(false, 10, Duration.ofHours(2)),
                env.trim().events());
        ConfigException fromEnv = org.junit.jupiter.api.Assertions.assertThrows(
                ConfigException.class,
                () -> new ConfigLoader()
                        .load(null, Map.of("HOME", dir.toString(), "STATESTORE_TRIM__EVENTS__MAX_LENGTH", "-1")));
        assertTrue(
                fromEnv.getMessage().contains("key 'trim.events.maxLength' (from STATESTORE_TRIM__EVENTS__MAX_LENGTH)"),
                fromEnv.getMessage());
    }

    @Test
    void trimJobTrimsEventStreamsButNeverPastUnackedEntriesAndMetricsShowTheFigures() throws Exception {
        StateStore store = redis.newStore();
        for (int i = 0; i < 10; i++) {
            store.events().publish("job", "test", Map.of("n", i));
        }
        store.events().createGroup("job", "g", "0");
        List<StreamEntryID> delivered;
        try (Jedis j = redis.jedis()) {
            var read = j.xreadGroup(
                    "g",
                    "c1",
                    XReadGroupParams.xReadGroupParams().count(3),
                    Map.of(TYPE_STREAM, StreamEntryID.UNRECEIVED_ENTRY));
            delivered = read.get(0).getValue().stream().map(StreamEntry::getID).toList();
        }
        assertEquals(3, delivered.size());
        int port = TestSupport.freePort();
        Daemon daemon = new Daemon(TestSupport.load(dir, """
                redis:
                  url: %s
                dataDir: %s
                daemon:
                  id: ev-test
                http:
                  enabled: true
                  port: %d
                sweep:
                  enabled: false
                backup:
                  enabled: false
                expiry:
                  enabled: false
                trim:
                  schedule: "* * * * * ?"
                  events:
                    maxLength: 5
                    maxAge: 0
                """.formatted(redis.uri(), dir.resolve("data"), port)));
        daemon.start();
        try (Jedis j = redis.jedis()) {
            // the global stream has no group: trimmed to 5; the type stream keeps all 10 (3 pending, 7 unread)
            TestSupport.await(Duration.ofSeconds(10), "global stream trimmed to 5", () -> j.xlen(ALL_STREAM) == 5);
            TestSupport.await(
                    Duration.ofSeconds(30),
                    "trim figures in the status hash",
                    () -> j.hget("ss:status", "trim_events_removed") != null);
            assertEquals("ok", j.hget("ss:status", "trim_result"));
            Thread.sleep(1500); // at least one more run
            assertEquals(10, j.xlen(TYPE_STREAM), "never past pending or unread entries");

            long beforeScrape = System.currentTimeMillis();
            Map<String, Double> m = scrape(port);
            long afterScrape = System.currentTimeMillis();
            assertEquals(
                    10.0,
                    m.get(canonical(
                            "statestore_events_stream_length{stream=\"ss:{ev}:t:job\",kind=\"type\",type=\"job\"}")),
                    m.toString());
            assertEquals(
                    5.0,
                    m.get(canonical("statestore_events_stream_length{stream=\"ss:{ev}:all\",kind=\"all\",type=\"\"}")),
                    m.toString());
            assertEquals(
                    3.0,
                    m.get(canonical("statestore_events_group_pending{stream=\"ss:{ev}:t:job\",group=\"g\"}")),
                    m.toString());
            assertEquals(
                    7.0,
                    m.get(canonical("statestore_events_group_lag{stream=\"ss:{ev}:t:job\",group=\"g\"}")),
                    m.toString());
            assertEquals(
                    1.0,
                    m.get(canonical("statestore_events_group_consumers{stream=\"ss:{ev}:t:job\",group=\"g\"}")),
                    m.toString());
            double age = m.get(canonical(
                    "statestore_events_group_oldest_pending_age_seconds{stream=\"ss:{ev}:t:job\",group=\"g\"}"));
            // the age is the server's clock (this machine's) at the scrape less the entry's time:
            // bracketed by clock reads around the scrape, so a stall after it cannot fail this
            double atMost = (afterScrape - delivered.get(0).getTime() + 1) / 1000.0;
            double atLeast = (beforeScrape - delivered.get(0).getTime()) / 1000.0 - 2.0; // a cached figure lags
            assertTrue(
                    age >= 1.5 && age >= atLeast && age <= atMost,
                    "oldest pending age " + age + ", expected from " + atLeast + " to " + atMost);

            // the status command's events line
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            ByteArrayOutputStream err = new ByteArrayOutputStream();
            Path cfg = TestSupport.writeConfig(dir, "redis:\n  url: " + redis.uri() + "\n");
            int code = new CommandLine(new StatusCommand(
                            Map.of("HOME", dir.toString()),
                            new PrintStream(out, true, StandardCharsets.UTF_8),
                            new PrintStream(err, true, StandardCharsets.UTF_8)))
                    .execute("--config", cfg.toString());
            String status = out.toString(StandardCharsets.UTF_8);
            assertEquals(0, code, status + err);
            assertTrue(
                    status.contains(
                            "events: 1 type (+ the global stream), 10 events, 1 group, 3 pending, largest lag 7 (g on ss:{ev}:t:job)"),
                    status);

            // acknowledged: trimmed up to the group's position (3 removed), not beyond the unread 7
            j.xack(TYPE_STREAM, "g", delivered.toArray(StreamEntryID[]::new));
            TestSupport.await(
                    Duration.ofSeconds(10),
                    "type stream trimmed to the group's position",
                    () -> j.xlen(TYPE_STREAM) == 7);
            Thread.sleep(1500);
            assertEquals(7, j.xlen(TYPE_STREAM), "never past unread entries");
            List<StreamEntryID> rest = j
                    .xreadGroup(
                            "g",
                            "c1",
                            XReadGroupParams.xReadGroupParams().count(100),
                            Map.of(TYPE_STREAM, StreamEntryID.UNRECEIVED_ENTRY))
                    .get(0)
                    .getValue()
                    .stream()
                    .map(StreamEntry::getID)
                    .toList();
            assertEquals(7, rest.size());
            Thread.sleep(1500);
            assertEquals(7, j.xlen(TYPE_STREAM), "never past pending entries");
            j.xack(TYPE_STREAM, "g", rest.toArray(StreamEntryID[]::new));
            TestSupport.await(
                    Duration.ofSeconds(10), "type stream trimmed to maxLength", () -> j.xlen(TYPE_STREAM) == 5);

            Thread.sleep(1100); // past the metrics cache
            Map<String, Double> after = scrape(port);
            assertEquals(
                    5.0,
                    after.get(canonical(
                            "statestore_events_stream_length{stream=\"ss:{ev}:t:job\",kind=\"type\",type=\"job\"}")),
                    after.toString());
            assertEquals(
                    0.0,
                    after.get(canonical("statestore_events_group_pending{stream=\"ss:{ev}:t:job\",group=\"g\"}")),
                    after.toString());
            assertEquals(
                    0.0,
                    after.get(
                            canonical(
                                    "statestore_events_group_oldest_pending_age_seconds{stream=\"ss:{ev}:t:job\",group=\"g\"}")),
                    after.toString());
            assertTrue(Long.parseLong(j.hget("ss:status", "trim_events_streams")) >= 2);
        } finally {
            daemon.stop();
        }
    }

    /** A series with its labels in name order: Prometheus gives label order no meaning, and Micrometer sorts them. */
    private static String canonical(String series) {
        int brace = series.indexOf('{');
        if (brace < 0) {
            return series;
        }
        java.util.List<String> labels = new java.util.ArrayList<>(java.util.List.of(
                series.substring(brace + 1, series.length() - 1).split(",(?=[a-z_]+=\")")));
        java.util.Collections.sort(labels);
        return series.substring(0, brace) + "{" + String.join(",", labels) + "}";
    }

    /** /metrics as series → value (comments dropped). */
    private static Map<String, Double> scrape(int port) throws Exception {
        HttpResponse<String> r = HttpClient.newHttpClient()
                .send(
                        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/metrics"))
                                .build(),
                        HttpResponse.BodyHandlers.ofString());
        assertEquals(200, r.statusCode());
        Map<String, Double> out = new HashMap<>();
        for (String line : r.body().split("\n")) {
            if (line.isBlank() || line.startsWith("#")) {
                continue;
            }
            int sp = line.lastIndexOf(' ');
            out.put(canonical(line.substring(0, sp)), Double.parseDouble(line.substring(sp + 1)));
        }
        assertTrue(r.body().contains("# TYPE statestore_events_group_lag gauge"), r.body());
        return out;
    }
}
