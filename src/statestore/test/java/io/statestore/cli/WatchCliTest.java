package io.statestore.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.statestore.client.HistoryPolicy;
import io.statestore.client.StateStore;
import io.statestore.client.StrictJson;
import io.statestore.client.events.TaskProducer;
import io.statestore.testing.RedisServerExtension;
import java.io.BufferedReader;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** statestore watch / history / get --at / revert, in-process against a real server. */
class WatchCliTest {
    @RegisterExtension
    static RedisServerExtension redis = RedisServerExtension.portable();

    @TempDir
    Path dir;

    /** Collects stdout lines as they are flushed; tests wait on it. */
    static final class Lines extends OutputStream {
        private final ByteArrayOutputStream partial = new ByteArrayOutputStream();
        private final List<String> lines = new ArrayList<>();

        @Override
        public synchronized void write(int b) {
            if (b == '\n') {
                lines.add(partial.toString(StandardCharsets.UTF_8));
                partial.reset();
                notifyAll();
            } else {
                partial.write(b);
            }
        }

        synchronized List<String> await(int count) throws InterruptedException {
            long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
            while (lines.size() < count) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    throw new AssertionError("expected " + count + " lines, got " + lines);
                }
                wait(Math.max(1, left / 1_000_000));
            }
            return new ArrayList<>(lines);
        }
    }

    @Test
    void watchPrintsTheSnapshotThenEachChangeAsAFlushedJsonLineAndExitsZeroWhenStopped() throws Exception {
        StateStore store = redis.newStore();
        store.put("cw:1", StrictJson.parse("{\"n\":18446744073709551615,\"e\":[]}"));
        store.put("other", StrictJson.parse("{}"));
        Lines out = new Lines();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        AtomicInteger exit = new AtomicInteger(-1);
        Thread cli = new Thread(() -> exit.set(Main.run(
                new CliIo(
                        new ByteArrayInputStream(new byte[0]),
                        new PrintStream(out, true, StandardCharsets.UTF_8),
                        new PrintStream(err, true, StandardCharsets.UTF_8),
                        dir),
                "--redis",
                redis.uri(),
                "watch",
                "cw:",
                "--with-doc")));
        cli.start();
        List<String> first = out.await(2);
        JsonNode snap = StrictJson.parse(first.get(0));
        assertEquals("snapshot", snap.get("type").asText());
        assertEquals("cw:1", snap.get("key").asText());
        assertEquals("{\"n\":18446744073709551615,\"e\":[]}", StrictJson.write(snap.get("value")));
        JsonNode ready = StrictJson.parse(first.get(1));
        assertEquals("ready", ready.get("type").asText());
        assertEquals(1, ready.get("documents").asInt());

        String id = store.merge("cw:1", StrictJson.parse("{\"x\":[]}")).changeId();
        store.put("other", StrictJson.parse("{\"y\":1}"));
        store.put("cw:2", StrictJson.parse("[]"));
        List<String> all = out.await(4);
        JsonNode change = StrictJson.parse(all.get(2));
        assertEquals("change", change.get("type").asText());
        assertEquals(id, change.get("id").asText());
        assertEquals("merge", change.get("op").asText());
        assertEquals(2, change.get("rev").asLong());
        assertEquals(1, change.get("prev").asLong());
        assertEquals("{\"x\":[]}", StrictJson.write(change.get("change")));
        assertEquals("{\"n\":18446744073709551615,\"e\":[],\"x\":[]}", StrictJson.write(change.get("doc")));
        assertEquals("cw:2", StrictJson.parse(all.get(3)).get("key").asText());

        cli.interrupt();
        cli.join(10_000);
        assertEquals(0, exit.get(), err.toString(StandardCharsets.UTF_8));
        assertEquals(4, out.await(4).size(), "nothing else printed");

        // --from replays after a position without a snapshot
        Lines replay = new Lines();
        Thread again = new Thread(() -> Main.run(
                new CliIo(
                        new ByteArrayInputStream(new byte[0]),
                        new PrintStream(replay, true, StandardCharsets.UTF_8),
                        new PrintStream(err, true, StandardCharsets.UTF_8),
                        dir),
                "--redis",
                redis.uri(),
                "watch",
                "cw:",
                "--from",
                id));
        again.start();
        List<String> replayed = replay.await(1);
        assertEquals("cw:2", StrictJson.parse(replayed.get(0)).get("key").asText());
        assertEquals("change", StrictJson.parse(replayed.get(0)).get("type").asText());
        again.interrupt();
        again.join(10_000);
    }

    @Test
    void watchPrintsAnUnreadableDocumentAsALineWithAnErrorAndGoesOn() throws Exception {
        StateStore store = redis.newStore();
        store.put("cu:1", StrictJson.parse("{\"n\":1}"));
        store.put("cu:2", StrictJson.parse("{\"n\":2}"));
        try (redis.clients.jedis.Jedis j = redis.jedis()) {
            j.set("cu:2", "not json"); // around statestore
        }
        Lines out = new Lines();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        AtomicInteger exit = new AtomicInteger(-1);
        Thread cli = new Thread(() -> exit.set(Main.run(
                new CliIo(
                        new ByteArrayInputStream(new byte[0]),
                        new PrintStream(out, true, StandardCharsets.UTF_8),
                        new PrintStream(err, true, StandardCharsets.UTF_8),
                        dir),
                "--redis",
                redis.uri(),
                "watch",
                "cu:")));
        cli.start();
        List<String> first = out.await(3);
        JsonNode unreadable = StrictJson.parse(first.get(0));
        assertEquals("unreadable", unreadable.get("type").asText());
        assertEquals("cu:2", unreadable.get("key").asText());
        assertTrue(unreadable.get("error").asText().startsWith("invalid JSON in document \"cu:2\""), first.get(0));
        JsonNode ready = StrictJson.parse(first.get(2));
        assertEquals("cu:1", StrictJson.parse(first.get(1)).get("key").asText());
        assertEquals("ready", ready.get("type").asText());
        assertEquals(ready.get("position").asText(), unreadable.get("position").asText());
        assertEquals(1, ready.get("documents").asInt());

        store.merge("cu:1", StrictJson.parse("{\"m\":1}"));
        JsonNode change = StrictJson.parse(out.await(4).get(3));
        assertEquals("change", change.get("type").asText());
        assertEquals("cu:1", change.get("key").asText());
        cli.interrupt();
        cli.join(10_000);
        assertEquals(0, exit.get(), err.toString(StandardCharsets.UTF_8));
        assertEquals("", err.toString(StandardCharsets.UTF_8), "no reconnect warnings");
    }

    @Test
    void historyGetAtAndRevertCommands() {
        StateStore store = redis.newStore(b -> b.historyPolicy(HistoryPolicy.of("ch:*", 10)));
        store.put("ch:1", StrictJson.parse("{\"v\":9223372036854775807,\"a\":[]}"));
        store.put("ch:1", StrictJson.parse("{\"v\":2}"));
        CliRunner cli = new CliRunner(redis.uri(), dir);
        CliRunner.Result h = cli.run("history", "ch:1");
        assertEquals(0, h.exitCode(), h.toString());
        assertEquals(2, h.outLines().size());
        assertEquals(
                "{\"v\":9223372036854775807,\"a\":[]}",
                StrictJson.write(StrictJson.parse(h.outLines().get(0)).get("value")));
        CliRunner.Result at = cli.run("get", "ch:1", "--at", "1");
        assertEquals(List.of("{\"v\":9223372036854775807,\"a\":[]}"), at.outLines(), at.toString());
        CliRunner.Result missing = cli.run("get", "ch:1", "--at", "7");
        assertEquals(3, missing.exitCode(), "not found: " + missing);
        assertTrue(missing.err().contains("not kept"), missing.toString());
        // the CLI's own store has no policy for ch:*, so the revert itself keeps no history entry
        CliRunner.Result rev = cli.run("revert", "ch:1", "1");
        assertEquals(List.of("3"), rev.outLines(), rev.toString());
        assertEquals(
                "{\"v\":9223372036854775807,\"a\":[]}",
                StrictJson.write(store.get("ch:1").orElseThrow().value()));
    }

    @Test
    void administratorsSettingRulesAtTheSameTimeLoseNone() throws Exception {
        CliRunner cli = new CliRunner(redis.uri(), dir);
        int admins = 8;
        CountDownLatch go = new CountDownLatch(1);
        List<Thread> threads = new ArrayList<>();
        List<CliRunner.Result> results = java.util.Collections.synchronizedList(new ArrayList<>());
        for (int i = 0; i < admins; i++) {
            String pattern = "race" + i + ":*";
            Thread t = new Thread(() -> {
                try {
                    go.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                results.add(cli.run("history", "policy", "set", pattern, "--versions", "3"));
                results.add(cli.run("history", "policy", "rm", pattern.replace("race", "gone")));
            });
            threads.add(t);
            t.start();
        }
        try {
            go.countDown();
            for (Thread t : threads) {
                t.join();
            }
            long ok = results.stream().filter(r -> r.exitCode() == 0).count();
            assertEquals(admins, ok, "every set succeeded, every rm of an absent rule failed: " + results);
            List<String> patterns = new ArrayList<>();
            for (String line : cli.run("history", "policy", "list").outLines()) {
                patterns.add(StrictJson.parse(line).get("pattern").asText());
            }
            java.util.Collections.sort(patterns);
            List<String> expected = new ArrayList<>();
            for (int i = 0; i < admins; i++) {
                expected.add("race" + i + ":*");
            }
            assertEquals(expected, patterns, "no administrator's rule was lost");
        } finally {
            assertEquals(0, cli.run("history", "policy", "clear").exitCode());
        }
    }

    /**
     * {@code statestore watch P | head -n 1} and {@code events tail | head -n 1}: once the reader
     * is gone, the next line the command writes fails and the command ends (exit 0), in its own JVM.
     */
    @Test
    void watchAndEventsTailEndWhenStdoutIsClosed() throws Exception {
        StateStore store = redis.newStore();
        store.put("wp:1", StrictJson.parse("{\"n\":1}"));
        int n = 0;
        Process watch = startCli("watch", "wp:");
        assertEquals(
                "snapshot",
                StrictJson.parse(firstLineThenClose(watch)).get("type").asText());
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (watch.isAlive() && System.nanoTime() < deadline) {
            store.merge("wp:1", StrictJson.parse("{\"n\":" + (++n) + "}")); // each change is a line to write
            watch.waitFor(200, TimeUnit.MILLISECONDS);
        }
        assertEndedWithin(watch, "watch wp: | head -n 1");

        Process tail = startCli("events", "tail", "pipe.test", "--from", "0");
        store.events().publish("pipe.test", "t", 0);
        assertEquals(
                "pipe.test",
                StrictJson.parse(firstLineThenClose(tail)).get("type").asText());
        deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (tail.isAlive() && System.nanoTime() < deadline) {
            store.events().publish("pipe.test", "t", ++n);
            tail.waitFor(200, TimeUnit.MILLISECONDS);
        }
        assertEndedWithin(tail, "events tail | head -n 1");

        TaskProducer task = store.tasks().producer("pipe-task", Duration.ofMinutes(1));
        task.append("line 0\n");
        Process taskTail = startCli("task", "tail", "pipe-task");
        assertEquals("line 0", firstLineThenClose(taskTail));
        deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (taskTail.isAlive() && System.nanoTime() < deadline) {
            task.append("line " + (++n) + "\n");
            taskTail.waitFor(200, TimeUnit.MILLISECONDS);
        }
        assertEndedWithin(taskTail, "task tail | head -n 1");
    }

    private Process startCli(String... args) throws IOException {
        List<String> cmd = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp",
                System.getProperty("java.class.path"),
                "-XX:TieredStopAtLevel=1",
                "-XX:+UseSerialGC",
                "io.statestore.cli.Main",
                "--redis",
                redis.uri()));
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd);
        pb.environment().keySet().removeIf(k -> k.startsWith("STATESTORE_") || k.equals("CREDENTIALS_DIRECTORY"));
        pb.environment().put("HOME", dir.toString());
        pb.redirectError(Files.createTempFile(dir, "err", ".txt").toFile());
        return pb.start();
    }

    /** Reads one line of the process's stdout, then closes the pipe as {@code head -n 1} does. */
    private static String firstLineThenClose(Process p) throws Exception {
        BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
        CompletableFuture<String> line = CompletableFuture.supplyAsync(() -> {
            try {
                return r.readLine();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        });
        try {
            String first = line.get(30, TimeUnit.SECONDS);
            assertTrue(first != null, "no line on stdout");
            return first;
        } finally {
            r.close();
        }
    }

    private static void assertEndedWithin(Process p, String what) throws InterruptedException {
        boolean ended = p.waitFor(5, TimeUnit.SECONDS);
        if (!ended) {
            p.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
        assertTrue(ended, what + " did not end after stdout was closed");
        assertEquals(0, p.exitValue(), what);
    }

    @Test
    void historyOfAKeyWithoutHistorySaysSoAndShowsTheCommandThatKeepsIt() {
        CliRunner cli = new CliRunner(redis.uri(), dir);
        assertEquals(
                0,
                cli.runWithStdin("{}".getBytes(StandardCharsets.UTF_8), "put", "nohist:1")
                        .exitCode());
        CliRunner.Result h = cli.run("history", "nohist:1");
        assertEquals(0, h.exitCode(), h.toString());
        assertEquals("", h.out());
        assertEquals(
                List.of("statestore: history nohist:1: history is not kept for this key (no history policy rule"
                        + " matches it); to keep its last 50 versions from the next write on:"
                        + " statestore history policy set nohist:1 --versions 50"),
                h.errLines(),
                h.toString());
        assertTrue(HistoryCommand.noHistory("a b*", HistoryPolicy.of("*", 0)).endsWith("set 'a b*' --versions 50"));
        assertTrue(HistoryCommand.noHistory("k", HistoryPolicy.of("k*", 0)).contains("rule \"k*\" keeps 0 versions"));
        try {
            assertEquals(
                    0,
                    cli.run("history", "policy", "set", "nohist:*", "--versions", "3")
                            .exitCode());
            CliRunner.Result yet = cli.run("history", "nohist:1");
            assertEquals(0, yet.exitCode(), yet.toString());
            assertTrue(yet.err().contains("no versions kept yet"), yet.toString());
        } finally {
            cli.run("history", "policy", "clear");
        }
    }

    @Test
    void historyPolicyCommandsSetTheServerPolicyTheCliItselfFollows() {
        CliRunner cli = new CliRunner(redis.uri(), dir);
        try {
            CliRunner.Result set = cli.run("history", "policy", "set", "pol:*", "--versions", "2");
            assertEquals(0, set.exitCode(), set.toString());
            assertEquals(List.of("{\"pattern\":\"pol:*\",\"versions\":2,\"maxAgeMs\":0}"), set.outLines());
            assertEquals(
                    0,
                    cli.run("history", "policy", "set", "pol:keep:*", "--versions", "5", "--max-age", "7d", "--first")
                            .exitCode());
            assertEquals(
                    0,
                    cli.run("history", "policy", "set", "tmp:*", "--versions", "1")
                            .exitCode());
            CliRunner.Result list = cli.run("history", "policy", "list");
            assertEquals(
                    List.of(
                            "{\"pattern\":\"pol:keep:*\",\"versions\":5,\"maxAgeMs\":604800000}",
                            "{\"pattern\":\"pol:*\",\"versions\":2,\"maxAgeMs\":0}",
                            "{\"pattern\":\"tmp:*\",\"versions\":1,\"maxAgeMs\":0}"),
                    list.outLines(),
                    list.toString());
            assertEquals(0, cli.run("history", "policy", "rm", "tmp:*").exitCode());
            CliRunner.Result gone = cli.run("history", "policy", "rm", "tmp:*");
            assertEquals(1, gone.exitCode(), gone.toString());
            assertTrue(gone.err().contains("no history policy rule"), gone.toString());
            CliRunner.Result badAge = cli.run("history", "policy", "set", "x:*", "--versions", "1", "--max-age", "7");
            assertEquals(1, badAge.exitCode(), badAge.toString());

            // the CLI keeps no history options of its own: its writes follow the policy in Redis
            for (int i = 0; i < 4; i++) {
                assertEquals(
                        0,
                        cli.runWithStdin(("{\"i\":" + i + "}").getBytes(StandardCharsets.UTF_8), "put", "pol:1")
                                .exitCode());
            }
            CliRunner.Result h = cli.run("history", "pol:1");
            assertEquals(2, h.outLines().size(), h.toString());
            assertEquals(3, StrictJson.parse(h.outLines().get(0)).get("rev").asLong());

            CliRunner.Result noKey = cli.run("history");
            assertEquals(2, noKey.exitCode(), noKey.toString());
            assertTrue(noKey.err().contains("KEY"), noKey.toString());
        } finally {
            assertEquals(0, cli.run("history", "policy", "clear").exitCode());
        }
        assertEquals(List.of(), cli.run("history", "policy", "list").outLines());
    }
}
