package io.statestore.daemon.web.tasks;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.statestore.client.StateStore;
import io.statestore.client.TaskStreams;
import io.statestore.client.events.TaskProducer;
import io.statestore.daemon.redis.RedisAdmin;
import io.statestore.daemon.web.Access;
import io.statestore.daemon.web.WebError;
import io.statestore.daemon.web.ops.RouteTable;
import io.statestore.daemon.web.ops.TestRequest;
import io.statestore.testing.RedisServerExtension;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.StreamEntryID;

class TaskRoutesTest {
    @RegisterExtension
    static RedisServerExtension redis = RedisServerExtension.portable();

    static StateStore store;
    static TaskStreams tasks;
    static RedisAdmin admin;
    static RouteTable api;

    @BeforeAll
    static void setUp() {
        store = redis.newStore();
        tasks = store.tasks();
        admin = new RedisAdmin(store.options());
        api = RouteTable.of(new TaskRoutes(admin, store.options().keyPrefix()));
    }

    @AfterAll
    static void tearDown() {
        admin.close();
    }

    @BeforeEach
    void empty() {
        redis.flushAll();
    }

    @Test
    void declaresItsRoutesForReaders() {
        assertEquals(Set.of("GET /tasks", "GET /tasks/{id}/entries"), api.routes());
        assertEquals(Access.READER, api.access("GET /tasks"));
        assertEquals(Access.READER, api.access("GET /tasks/{id}/entries"));
    }

    @Test
    void listsEachTaskStreamWithLengthLastEntryTimeAndState() throws Exception {
        TaskProducer one = tasks.producer("gen-1", Duration.ofHours(1));
        one.append("step 1\n");
        one.append("step 2\n");
        one.done("ok");
        TaskProducer two = tasks.producer("gen-2", Duration.ofMinutes(5));
        two.append("working\n");
        TaskProducer three = tasks.producer("gen/3", Duration.ofHours(1));
        three.failed("disk full");
        try (Jedis j = redis.jedis()) {
            // neither is a task stream: a string under the task pattern, a stream elsewhere
            j.set(store.options().keyPrefix() + "task:{not-a-stream}", "x");
            j.xadd("other-stream", StreamEntryID.NEW_ENTRY, Map.of("a", "b"));
        }
        JsonNode list = api.call("GET /tasks", TestRequest.get().as(Access.READER));
        assertFalse(list.get("truncated").asBoolean());
        JsonNode all = list.get("tasks");
        assertEquals(3, all.size(), all.toString());
        JsonNode t1 = task(all, "gen-1");
        assertEquals(3, t1.get("length").asLong(), "two chunks and the end");
        assertEquals("done", t1.get("state").asText());
        assertEquals("ok", t1.get("message").asText());
        assertTrue(t1.get("ttlMs").asLong() > 0 && t1.get("ttlMs").asLong() <= 3_600_000, t1.toString());
        assertTrue(t1.get("lastEntryMs").asLong() >= t1.get("startedMs").asLong());
        JsonNode t2 = task(all, "gen-2");
        assertEquals("running", t2.get("state").asText());
        assertTrue(t2.get("message").isNull());
        assertTrue(t2.get("ttlMs").asLong() <= 300_000);
        assertEquals("failed", task(all, "gen/3").get("state").asText());
        assertEquals("disk full", task(all, "gen/3").get("message").asText());
        JsonNode slashed = api.call("GET /tasks/{id}/entries", TestRequest.get().path("id", "gen/3"));
        assertEquals("failed", slashed.get("state").asText(), "a task ID with / is read like any other");
        assertTrue(slashed.get("ended").asBoolean());
        for (int i = 1; i < all.size(); i++) {
            assertTrue(
                    all.get(i - 1).get("lastEntryMs").asLong()
                            >= all.get(i).get("lastEntryMs").asLong(),
                    "newest first");
        }
    }

    @Test
    void entriesArePagedAfterTheLastIdUpToTheEnd() throws Exception {
        TaskProducer p = tasks.producer("gen-9", Duration.ofHours(1));
        List<String> written = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            written.add(p.append("line " + i + "\n"));
        }
        p.done("finished");
        List<String> texts = new ArrayList<>();
        String after = null;
        JsonNode page;
        int calls = 0;
        do {
            TestRequest r = TestRequest.get().path("id", "gen-9").query("limit", "2");
            if (after != null) {
                r.query("after", after);
            }
            page = api.call("GET /tasks/{id}/entries", r);
            for (JsonNode e : page.get("entries")) {
                if (e.get("kind").asText().equals("chunk")) {
                    texts.add(e.get("text").asText());
                }
            }
            after = page.get("last").asText();
            calls++;
        } while (!page.get("ended").asBoolean() && calls < 10);
        assertEquals(List.of("line 0\n", "line 1\n", "line 2\n", "line 3\n", "line 4\n"), texts);
        assertEquals(3, calls, "2 + 2 + (1 chunk and the end)");
        JsonNode end = page.get("entries").get(page.get("entries").size() - 1);
        assertEquals("end", end.get("kind").asText());
        assertEquals("done", end.get("status").asText());
        assertEquals("finished", end.get("message").asText());
        assertEquals("done", page.get("state").asText());
        assertEquals(
                written.get(0),
                api.call(
                                "GET /tasks/{id}/entries",
                                TestRequest.get().path("id", "gen-9").query("limit", "1"))
                        .get("entries")
                        .get(0)
                        .get("id")
                        .asText(),
                "without after: from the start");

        // a tail that already has the end: nothing more, and told so without waiting
        JsonNode past = api.call(
                "GET /tasks/{id}/entries",
                TestRequest.get().path("id", "gen-9").query("after", after).query("wait", "10"));
        assertEquals(0, past.get("entries").size());
        assertTrue(past.get("ended").asBoolean());
        assertEquals(after, past.get("last").asText());
    }

    @Test
    void aLongPollReturnsWhenTheTaskWrites() throws Exception {
        TaskProducer p = tasks.producer("gen-live", Duration.ofHours(1));
        String first = p.append("first\n");
        CompletableFuture<JsonNode> poll = CompletableFuture.supplyAsync(() -> {
            try {
                return api.call(
                        "GET /tasks/{id}/entries",
                        TestRequest.get()
                                .path("id", "gen-live")
                                .query("after", first)
                                .query("wait", "10"));
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        // the append may come before or during the wait: either way the poll returns it
        String second = p.append("second\n");
        JsonNode got = poll.get(30, TimeUnit.SECONDS);
        if (got.get("entries").isEmpty()) {
            throw new AssertionError("the long poll ended without the new chunk: " + got);
        }
        assertEquals(second, got.get("entries").get(0).get("id").asText());
        assertEquals("second\n", got.get("entries").get(0).get("text").asText());
        assertFalse(got.get("ended").asBoolean());
        assertEquals("running", got.get("state").asText());
        assertEquals(second, got.get("last").asText());
    }

    @Test
    void badInputIsRefusedInOurWords() throws Exception {
        tasks.producer("gen-ok", Duration.ofHours(1)).append("x");
        assertError(400, "task ID \"bad id\" is not valid", TestRequest.get().path("id", "bad id"));
        assertError(404, "no task \"gen-none\"", TestRequest.get().path("id", "gen-none"));
        assertError(
                400,
                "after \"latest\" is not a stream entry ID",
                TestRequest.get().path("id", "gen-ok").query("after", "latest"));
        assertError(
                400,
                "limit 0 is out of range: 1 to 1000",
                TestRequest.get().path("id", "gen-ok").query("limit", "0"));
        assertError(
                400,
                "wait 11 is out of range: 0 to 10",
                TestRequest.get().path("id", "gen-ok").query("wait", "11"));
    }

    private static void assertError(int status, String words, TestRequest request) {
        WebError e = assertThrows(WebError.class, () -> api.call("GET /tasks/{id}/entries", request));
        assertEquals(status, e.status(), e.getMessage());
        assertTrue(e.getMessage().contains(words), e.getMessage());
    }

    private static JsonNode task(JsonNode tasks, String id) {
        for (JsonNode t : tasks) {
            if (t.get("id").asText().equals(id)) {
                return t;
            }
        }
        throw new AssertionError("no task " + id + " in " + tasks);
    }
}
