package io.statestore.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.statestore.client.StateStore;
import io.statestore.client.StrictJson;
import io.statestore.client.events.ConsumeOptions;
import io.statestore.client.events.Subscription;
import io.statestore.client.events.TaskProducer;
import io.statestore.testing.RedisServerExtension;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** {@code statestore events ...} and {@code statestore task tail}, run in-process. */
class EventsCliTest {
    @RegisterExtension
    static RedisServerExtension redis = RedisServerExtension.portable();

    @TempDir
    Path dir;

    private CliRunner cli() {
        return new CliRunner(redis.uri(), dir);
    }

    @BeforeEach
    void clean() {
        redis.flushAll();
    }

    @Test
    void publishThenTailFromTheStartPrintsTheEventAsJson() {
        CliRunner.Result pub = cli().run(
                        "events",
                        "publish",
                        "asset.discovered",
                        "{\"n\":12345678901234567890,\"a\":[]}",
                        "--source",
                        "cli");
        assertEquals(0, pub.exitCode(), pub.toString());
        String id = pub.outLines().get(0);
        CliRunner.Result tail =
                cli().run("events", "tail", "asset.discovered", "--from", "0", "--count", "1", "--timeout", "10s");
        assertEquals(0, tail.exitCode(), tail.toString());
        JsonNode line = StrictJson.parse(tail.outLines().get(0));
        assertEquals(id, line.get("id").asText());
        assertEquals("cli", line.get("source").asText());
        assertEquals("{\"n\":12345678901234567890,\"a\":[]}", StrictJson.write(line.get("data")));
        CliRunner.Result all = cli().run("events", "tail", "--from", "0", "--count", "1", "--timeout", "10s");
        assertEquals(id, StrictJson.parse(all.outLines().get(0)).get("id").asText());
    }

    @Test
    void infoPendingDlqAndRedrive() throws Exception {
        StateStore store = redis.newStore();
        store.events().publish("job", "t", 1);
        ConsumeOptions fast = ConsumeOptions.builder()
                .block(Duration.ofMillis(100))
                .reclaimIdle(Duration.ofMillis(100))
                .reclaimEvery(Duration.ofMillis(50))
                .maxDeliveries(2)
                .build();
        try (Subscription s = store.events()
                .consume(
                        List.of("job"),
                        "g",
                        "c",
                        e -> {
                            throw new IllegalStateException("nope");
                        },
                        fast)) {
            long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
            while (store.events().deadLetters("job", 1).isEmpty()) {
                assertTrue(System.nanoTime() < deadline);
                Thread.sleep(20);
            }
        }
        CliRunner.Result info = cli().run("events", "info");
        assertEquals(0, info.exitCode(), info.toString());
        assertTrue(info.out().contains("type  job"), info.out());
        assertTrue(info.out().contains("group g: consumers 1, pending 0, lag 0"), info.out());
        assertTrue(info.out().contains("dlq   job"), info.out());
        CliRunner.Result dlq = cli().run("events", "dlq", "job");
        JsonNode d = StrictJson.parse(dlq.outLines().get(0));
        assertEquals(2, d.get("deliveries").asInt());
        assertTrue(d.get("error").asText().contains("nope"));
        assertEquals(List.of(), cli().run("events", "pending", "g").outLines());
        CliRunner.Result redrive = cli().run("events", "redrive", "job");
        assertEquals(List.of("1"), redrive.outLines());
        assertEquals(List.of(), cli().run("events", "dlq").outLines());
        CliRunner.Result pending = cli().run("events", "info", "--json");
        assertEquals(0, pending.exitCode(), pending.toString());
    }

    @Test
    void taskTailPrintsTheWholeOutputAndExitsByHowTheTaskEnded() {
        StateStore store = redis.newStore();
        TaskProducer ok = store.tasks().producer("build-1", Duration.ofMinutes(1));
        ok.append("compiling\n");
        ok.append("done\n");
        ok.done("");
        CliRunner.Result r = cli().run("task", "tail", "build-1", "--timeout", "10s");
        assertEquals(0, r.exitCode(), r.toString());
        assertEquals("compiling\ndone\n", r.out());
        TaskProducer bad = store.tasks().producer("build-2", Duration.ofMinutes(1));
        bad.append("compiling\n");
        bad.failed("syntax error");
        CliRunner.Result f = cli().run("task", "tail", "build-2", "--timeout", "10s");
        assertEquals(1, f.exitCode(), f.toString());
        assertEquals("compiling\n", f.out());
        assertTrue(f.err().contains("task tail build-2: task failed: syntax error"), f.err());
    }

    @Test
    void taskTailOfAnUnknownTaskSaysSoAndEndsUnlessWaitIsGiven() {
        CliRunner.Result r = cli().run("task", "tail", "nosuch-7");
        assertTrue(r.exitCode() != 0, r.toString());
        assertEquals("", r.out());
        assertTrue(r.err().contains("task tail nosuch-7") && r.err().contains("no such task"), r.err());
        assertTrue(r.err().contains("--wait"), r.err());
        CliRunner.Result w = cli().run("task", "tail", "nosuch-7", "--wait", "--timeout", "300ms");
        assertEquals(1, w.exitCode(), w.toString());
        assertTrue(w.err().contains("did not end within 300ms"), w.err());
        assertTrue(!w.err().contains("PT0.3S"), w.err());
    }

    @Test
    void pendingOfAnUnknownGroupSaysTheGroupDoesNotExist() {
        redis.newStore().events().publish("job", "t", 1);
        CliRunner.Result r = cli().run("events", "pending", "nogroup");
        assertTrue(r.exitCode() != 0, r.toString());
        assertEquals("", r.out());
        assertTrue(r.err().contains("no consumer group \"nogroup\""), r.err());
        redis.newStore().events().createGroup("job", "g", "0");
        CliRunner.Result ok = cli().run("events", "pending", "g");
        assertEquals(0, ok.exitCode(), ok.toString());
    }

    @Test
    void statusCountsEachEventOnceAndTheGlobalStreamNotAsAType() {
        StateStore store = redis.newStore();
        assertEquals("0 types, 0 events, 0 groups, 0 pending", StatusCommand.eventsSummary(store.options()));
        for (int i = 0; i < 3; i++) {
            store.events().publish("job", "t", i);
        }
        assertEquals(
                "1 type (+ the global stream), 3 events, 0 groups, 0 pending",
                StatusCommand.eventsSummary(store.options()));
        store.events().publish("other", "t", 1);
        assertEquals(
                "2 types (+ the global stream), 4 events, 0 groups, 0 pending",
                StatusCommand.eventsSummary(store.options()));
    }

    @Test
    void eventsWithoutASubcommandIsAUsageError() {
        assertEquals(2, cli().run("events").exitCode());
        assertEquals(2, cli().run("task").exitCode());
    }

    @Test
    void publishWithSpoolWhileRedisIsDownSpoolsAndExitsZeroThenTheNextPublishForwardsInOrder() throws Exception {
        int down;
        try (java.net.ServerSocket s = new java.net.ServerSocket(0)) {
            down = s.getLocalPort(); // nothing listens here afterwards
        }
        Path spool = dir.resolve("spool");
        long t0 = System.nanoTime();
        CliRunner.Result r = new CliRunner("redis://127.0.0.1:" + down, dir)
                .run("events", "publish", "job", "{\"n\":1}", "--spool", "spool");
        assertEquals(0, r.exitCode(), r.toString());
        assertTrue(System.nanoTime() - t0 < Duration.ofSeconds(10).toNanos(), "bounded");
        String spooledId = r.outLines().get(0);
        assertEquals(
                List.of("statestore: events publish: Redis at redis://127.0.0.1:" + down
                        + " is unavailable; the event is spooled in " + spool
                        + " and the next events publish forwards it when Redis is back"),
                r.errLines(),
                r.toString());
        assertTrue(java.nio.file.Files.size(spool.resolve("events.spool")) > 0);
        // with --no-spool the same publish fails
        CliRunner.Result noSpool = new CliRunner("redis://127.0.0.1:" + down, dir)
                .run("events", "publish", "job", "{\"n\":1}", "--no-spool");
        assertEquals(5, noSpool.exitCode(), "unavailable: " + noSpool);

        CliRunner.Result up = cli().run("events", "publish", "job", "{\"n\":2}", "--spool", "spool");
        assertEquals(0, up.exitCode(), up.toString());
        assertTrue(up.err().contains("forwarded 1 spooled event from " + spool), up.err());
        StateStore store = redis.newStore();
        List<String> ids = store.events().read("job", io.statestore.client.events.ReplayRange.all(), 10).stream()
                .map(e -> e.id())
                .toList();
        assertEquals(List.of(spooledId, up.outLines().get(0)), ids);
        CliRunner.Result again = cli().run("events", "publish", "job", "{\"n\":3}", "--spool", "spool");
        assertEquals(0, again.exitCode(), again.toString());
        assertEquals("", again.err());
    }
}
