package io.statestore.daemon;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.statestore.client.StrictJson;
import io.statestore.testing.RedisServerExtension;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.resps.StreamEntry;

/**
 * Issue 17: an event published from the CLI with Redis down and no --spool flag arrives once
 * Redis is back, with no further CLI call: the CLI spools into the daemon's spool (found next to
 * its connection file) and the daemon forwards it, once, in order.
 */
class DaemonSpoolForwardTest {
    @RegisterExtension
    static RedisServerExtension redis = RedisServerExtension.portable().withArgs("--appendonly", "yes");

    static final String STREAM = "ss:{ev}:t:job";

    @TempDir
    Path dir;

    @Test
    void anEventPublishedWhileRedisIsDownArrivesOnceRedisIsBackWithNoFurtherCliCall() throws Exception {
        redis.flushAll();
        Path data = dir.resolve("data");
        Daemon daemon = new Daemon(TestSupport.load(dir, """
                redis:
                  url: %s
                dataDir: %s
                daemon:
                  id: spool-test
                sweep:
                  enabled: false
                backup:
                  enabled: false
                expiry:
                  enabled: false
                """.formatted(redis.uri(), data)));
        daemon.start();
        try {
            Path spool = data.resolve("spool");
            assertTrue(Files.isDirectory(spool), "the daemon made its spool");
            redis.stop();

            Map<String, String> env = Map.of(
                    "HOME",
                    Files.createDirectories(dir.resolve("home")).toString(),
                    "STATESTORE_CONNECTION_FILE",
                    data.resolve("connection.json").toString());
            List<String> ids = new ArrayList<>();
            for (int n = 1; n <= 2; n++) {
                Run r = cli(env, "events", "publish", "job", "{\"n\":" + n + "}");
                assertEquals(0, r.exit(), "accepted: " + r);
                assertEquals(1, r.out().lines().count(), r.toString());
                ids.add(r.out().strip());
                assertEquals(
                        List.of("statestore: events publish: Redis at redis://127.0.0.1:" + redis.port()
                                + " is unavailable; the event is spooled in " + spool
                                + " and the daemon forwards it when Redis is back"),
                        r.err().lines().toList(),
                        r.toString());
            }
            // --spool still overrides: that event stays in its own spool, which the daemon does not forward
            Path own = dir.resolve("own-spool");
            Run other = cli(env, "events", "publish", "job", "{\"n\":3}", "--spool", own.toString());
            assertEquals(0, other.exit(), other.toString());
            assertTrue(
                    other.err().contains("spooled in " + own + " and the next events publish forwards it"),
                    other.toString());
            assertTrue(Files.size(own.resolve("events.spool")) > 0, "spooled in the directory given");

            redis.start(); // same port, same data; no CLI runs from here on
            try (Jedis j = redis.jedis()) {
                TestSupport.await(
                        Duration.ofSeconds(60),
                        "the two spooled events in " + STREAM,
                        () -> j.exists(STREAM) && j.xlen(STREAM) >= 2);
                TestSupport.await(Duration.ofSeconds(30), "the daemon's spool empty", () -> spoolEmpty(spool));
                List<StreamEntry> entries = j.xrange(STREAM, "-", "+");
                assertEquals(
                        ids,
                        entries.stream().map(e -> e.getFields().get("id")).toList(),
                        "each CLI event once, in the order published, and not the one spooled elsewhere");
                assertEquals(
                        1,
                        StrictJson.mapper()
                                .readTree(entries.get(0).getFields().get("data"))
                                .get("n")
                                .asInt());
            }
            assertEquals(0.0, daemonGauge(daemon, "statestore_event_spool_depth"));
            assertEquals(2.0, daemonGauge(daemon, "statestore_event_spool_forwarded"));
        } finally {
            daemon.stop();
        }
    }

    private static boolean spoolEmpty(Path spool) {
        try (Stream<Path> inbox = Files.list(spool.resolve("inbox"))) {
            return Files.size(spool.resolve("events.spool")) == 0
                    && inbox.findAny().isEmpty();
        } catch (java.io.IOException e) {
            return false;
        }
    }

    private static double daemonGauge(Daemon daemon, String name) {
        for (String line : daemon.metrics().render().split("\n")) {
            if (line.startsWith(name + " ")) {
                return Double.parseDouble(line.substring(name.length() + 1).strip());
            }
        }
        throw new AssertionError("no " + name + " in the daemon's metrics");
    }

    record Run(int exit, String out, String err) {
        @Override
        public String toString() {
            return "exit " + exit + "\n--- stdout\n" + out + "--- stderr\n" + err;
        }
    }

    /** The CLI in its own JVM, with no STATESTORE_* variables but {@code env}; it has exited when this returns. */
    private Run cli(Map<String, String> env, String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp",
                System.getProperty("java.class.path"),
                "-XX:TieredStopAtLevel=1",
                "-XX:+UseSerialGC",
                "io.statestore.cli.Main"));
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd);
        pb.environment()
                .keySet()
                .removeIf(
                        k -> k.startsWith("STATESTORE_") || k.startsWith("XDG_") || k.equals("CREDENTIALS_DIRECTORY"));
        pb.environment().putAll(env);
        Path out = Files.createTempFile(dir, "out", ".txt");
        Path err = Files.createTempFile(dir, "err", ".txt");
        Process p = pb.redirectOutput(out.toFile())
                .redirectError(err.toFile())
                .redirectInput(ProcessBuilder.Redirect.PIPE)
                .start();
        p.getOutputStream().close();
        if (!p.waitFor(60, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("the CLI did not end: " + cmd);
        }
        return new Run(p.exitValue(), Files.readString(out), Files.readString(err));
    }
}
