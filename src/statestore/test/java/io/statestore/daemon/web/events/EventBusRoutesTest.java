package io.statestore.daemon.web.events;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.statestore.client.EventBus;
import io.statestore.client.StateStore;
import io.statestore.client.events.ConsumeOptions;
import io.statestore.client.events.Subscription;
import io.statestore.daemon.redis.RedisAdmin;
import io.statestore.daemon.web.Access;
import io.statestore.daemon.web.WebError;
import io.statestore.daemon.web.ops.Await;
import io.statestore.daemon.web.ops.RouteTable;
import io.statestore.daemon.web.ops.TestRequest;
import io.statestore.testing.RedisServerExtension;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.Protocol;
import redis.clients.jedis.resps.StreamEntry;

class EventBusRoutesTest {
    @RegisterExtension
    static RedisServerExtension redis = RedisServerExtension.portable();

    static final ConsumeOptions FAST = ConsumeOptions.builder()
            .block(Duration.ofMillis(100))
            .reclaimIdle(Duration.ofMillis(200))
            .reclaimEvery(Duration.ofMillis(100))
            .maxDeliveries(3)
            .build();

    static StateStore store;
    static EventBus bus;
    static RedisAdmin admin;
    static RouteTable api;

    @BeforeAll
    static void setUp() {
        store = redis.newStore();
        bus = store.events();
        admin = new RedisAdmin(store.options());
        api = RouteTable.of(new EventBusRoutes(bus, admin));
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
    void declaresItsRoutesWithTheRolesTheIssueAsks() {
        assertEquals(
                Set.of(
                        "GET /events/streams",
                        "GET /events/groups",
                        "GET /events/dead",
                        "POST /events/dead/{type}/redrive"),
                api.routes());
        assertEquals(Access.READER, api.access("GET /events/streams"));
        assertEquals(Access.READER, api.access("GET /events/groups"));
        assertEquals(Access.READER, api.access("GET /events/dead"));
        assertEquals(
                Access.WRITER, api.access("POST /events/dead/{type}/redrive"), "redrive changes state: writer role");
    }

    @Test
    void streamsShowLengthFirstAndLastIdAndTheRateOverTheLastMinute() throws Exception {
        for (int i = 0; i < 3; i++) {
            bus.publish("job.a", "test", Map.of("i", i));
        }
        bus.publish("job.b", "test", Map.of("i", 9));
        JsonNode streams = api.call("GET /events/streams", TestRequest.get().as(Access.READER));

        JsonNode a = stream(streams, "type", "job.a");
        List<StreamEntry> entries;
        try (Jedis j = redis.jedis()) {
            entries = j.xrange(a.get("key").asText(), "-", "+", 10);
        }
        assertEquals(3, a.get("length").asLong());
        assertEquals(entries.get(0).getID().toString(), a.get("firstId").asText());
        assertEquals(entries.get(2).getID().toString(), a.get("lastId").asText());
        assertEquals(entries.get(2).getID().getTime(), a.get("lastEntryMs").asLong());
        assertEquals(3 / 60.0, a.get("ratePerSecond").asDouble(), 1e-9, "3 entries in the last minute");
        assertFalse(a.get("rateEstimated").asBoolean());
        assertEquals(0, a.get("groups").asInt());

        JsonNode all = stream(streams, "all", "");
        assertEquals(4, all.get("length").asLong(), "the global stream holds every event");
        assertEquals(4 / 60.0, all.get("ratePerSecond").asDouble(), 1e-9);
        assertEquals(1, stream(streams, "type", "job.b").get("length").asLong());
    }

    @Test
    void aBusyStreamsRateIsEstimatedFromItsNewestEntries() throws Exception {
        for (int i = 0; i < StreamRate.SAMPLE + 50; i++) {
            bus.publish("job.busy", "test", Map.of("i", i));
        }
        JsonNode busy = stream(api.call("GET /events/streams", TestRequest.get()), "type", "job.busy");
        assertEquals(StreamRate.SAMPLE + 50, busy.get("length").asLong());
        assertTrue(busy.get("rateEstimated").asBoolean(), busy.toString());
        // SAMPLE entries arrived within the last minute, so at least SAMPLE per minute
        assertTrue(busy.get("ratePerSecond").asDouble() >= StreamRate.SAMPLE / 60.0, busy.toString());
    }

    @Test
    void groupsShowPendingLagOldestPendingAgeAndEachConsumer() throws Exception {
        for (int i = 0; i < 3; i++) {
            bus.publish("job.g", "test", Map.of("i", i));
        }
        bus.createGroup("job.g", "indexer", "0");
        String key = stream(api.call("GET /events/streams", TestRequest.get()), "type", "job.g")
                .get("key")
                .asText();
        try (Jedis j = redis.jedis()) {
            // a consumer that reads two entries and acknowledges none
            j.sendCommand(Protocol.Command.XREADGROUP, "GROUP", "indexer", "c1", "COUNT", "2", "STREAMS", key, ">");
        }
        JsonNode groups = api.call("GET /events/groups", TestRequest.get().as(Access.READER));
        assertEquals(1, groups.size(), groups.toString());
        JsonNode g = groups.get(0);
        assertEquals(key, g.get("stream").asText());
        assertEquals("job.g", g.get("type").asText());
        assertEquals("indexer", g.get("group").asText());
        assertEquals(2, g.get("pending").asLong());
        assertEquals(1, g.get("lag").asLong(), "one entry not yet delivered");
        assertEquals(1, g.get("consumerCount").asLong());
        assertTrue(g.get("oldestPendingAgeMs").asLong() >= 0);
        JsonNode c = g.get("consumers").get(0);
        assertEquals("c1", c.get("name").asText());
        assertEquals(2, c.get("pending").asLong());
        assertTrue(c.has("idleMs"));
    }

    @Test
    void deadLettersArePagedWithTheirErrorsAndRedriveMovesThemBack() throws Exception {
        Set<String> published = new HashSet<>();
        try (Subscription s = bus.consume(
                List.of("job.d", "job.e"),
                "workers",
                "w1",
                e -> {
                    throw new IllegalStateException("boom on " + e.type());
                },
                FAST)) {
            for (int i = 0; i < 5; i++) {
                published.add(bus.publish("job.d", "test", Map.of("i", i)));
            }
            published.add(bus.publish("job.e", "test", Map.of("i", 5)));
            Await.until("6 dead letters", () -> bus.deadLetters("", 100).size() == 6);
        }
        JsonNode first = api.call(
                "GET /events/dead", TestRequest.get().query("limit", "4").as(Access.READER));
        assertEquals(4, first.get("deadLetters").size());
        assertFalse(first.get("next").isNull(), "there is a second page");
        JsonNode second = api.call(
                "GET /events/dead",
                TestRequest.get()
                        .query("limit", "4")
                        .query("after", first.get("next").asText()));
        assertEquals(2, second.get("deadLetters").size());
        assertTrue(second.get("next").isNull(), "the last page says so");

        Set<String> seen = new HashSet<>();
        List<JsonNode> letters = new ArrayList<>();
        first.get("deadLetters").forEach(letters::add);
        second.get("deadLetters").forEach(letters::add);
        for (JsonNode d : letters) {
            assertTrue(seen.add(d.get("eventId").asText()), "no letter twice across pages: " + d);
            assertTrue(
                    d.get("error").asText().contains("boom on " + d.get("type").asText()), d.toString());
            assertEquals(3, d.get("deliveries").asLong());
            assertEquals("workers", d.get("group").asText());
            assertEquals("w1", d.get("consumer").asText());
            assertTrue(d.get("data").has("i"), "the payload as JSON: " + d);
            assertFalse(d.get("originId").asText().isEmpty());
        }
        assertEquals(published, seen, "every dead letter, once");

        JsonNode onlyE = api.call("GET /events/dead", TestRequest.get().query("type", "job.e"));
        assertEquals(1, onlyE.get("deadLetters").size());
        assertEquals("job.e", onlyE.get("deadLetters").get(0).get("type").asText());

        JsonNode moved = api.call(
                "POST /events/dead/{type}/redrive",
                TestRequest.get().path("type", "job.d").body("{\"max\": 2}").as(Access.WRITER));
        assertEquals(2, moved.get("redriven").asLong());
        assertEquals(
                3,
                api.call("GET /events/dead", TestRequest.get().query("type", "job.d"))
                        .get("deadLetters")
                        .size());
        assertEquals(
                7,
                stream(api.call("GET /events/streams", TestRequest.get()), "type", "job.d")
                        .get("length")
                        .asLong(),
                "the two are back at the end of their stream");
        JsonNode rest =
                api.call("POST /events/dead/{type}/redrive", TestRequest.get().path("type", "job.d"));
        assertEquals(3, rest.get("redriven").asLong(), "no max: all of them");
    }

    @Test
    void pagingAcrossTypesNeitherSkipsNorRepeatsLettersWithEqualEntryIds() throws Exception {
        // Two dead-letter streams holding the same entry IDs (each stream numbers its own entries),
        // written directly: the bus cannot be made to produce equal IDs on demand.
        try (Jedis j = redis.jedis()) {
            for (String type : new String[] {"b.x", "a.x"}) {
                j.sadd("ss:{ev}:types", type);
                for (String id : new String[] {"1000-1", "1000-2"}) {
                    j.xadd(
                            "ss:{ev}:dlq:" + type,
                            new redis.clients.jedis.StreamEntryID(id),
                            Map.of(
                                    "id",
                                    type + "@" + id,
                                    "type",
                                    type,
                                    "src",
                                    "t",
                                    "time",
                                    "1000",
                                    "data",
                                    "{}",
                                    "error",
                                    "e",
                                    "deliveries",
                                    "5",
                                    "group",
                                    "g",
                                    "consumer",
                                    "c",
                                    "origin",
                                    "1-0"));
                }
            }
        }
        List<String> seen = new ArrayList<>();
        String after = null;
        for (int page = 0; page < 10; page++) {
            TestRequest r = TestRequest.get().query("limit", "1");
            if (after != null) {
                r.query("after", after);
            }
            JsonNode p = api.call("GET /events/dead", r);
            p.get("deadLetters").forEach(d -> seen.add(d.get("eventId").asText()));
            if (p.get("next").isNull()) {
                break;
            }
            after = p.get("next").asText();
        }
        assertEquals(List.of("a.x@1000-1", "b.x@1000-1", "a.x@1000-2", "b.x@1000-2"), seen, "by entry ID, then type");
    }

    @Test
    void badInputIsRefusedInOurWordsAndChangesNothing() throws Exception {
        bus.publish("job.x", "test", Map.of("i", 1));
        assertError(
                400,
                "event type \"bad type\"",
                "GET /events/dead",
                TestRequest.get().query("type", "bad type"));
        assertError(
                404,
                "no event type \"job.none\"",
                "GET /events/dead",
                TestRequest.get().query("type", "job.none"));
        assertError(
                400,
                "limit 0 is out of range",
                "GET /events/dead",
                TestRequest.get().query("limit", "0"));
        assertError(
                400,
                "limit \"ten\" is not a whole number",
                "GET /events/dead",
                TestRequest.get().query("limit", "ten"));
        assertError(
                400,
                "after \"xyz\" is not a dead-letter cursor",
                "GET /events/dead",
                TestRequest.get().query("after", "xyz"));
        assertError(
                400,
                "after \"12a-0\" is not a stream entry ID",
                "GET /events/dead",
                TestRequest.get().query("after", "12a-0/job.x"));
        assertError(
                404,
                "no event type \"job.none\"",
                "POST /events/dead/{type}/redrive",
                TestRequest.get().path("type", "job.none"));
        assertError(
                400,
                "max must be a whole number",
                "POST /events/dead/{type}/redrive",
                TestRequest.get().path("type", "job.x").body("{\"max\": -1}"));
        assertError(
                400,
                "max must be a whole number",
                "POST /events/dead/{type}/redrive",
                TestRequest.get().path("type", "job.x").body("{\"max\": \"all\"}"));
        assertEquals(
                1,
                stream(api.call("GET /events/streams", TestRequest.get()), "type", "job.x")
                        .get("length")
                        .asLong());
    }

    private static void assertError(int status, String words, String route, TestRequest request) {
        WebError e = assertThrows(WebError.class, () -> api.call(route, request));
        assertEquals(status, e.status(), e.getMessage());
        assertTrue(e.getMessage().contains(words), e.getMessage());
    }

    private static JsonNode stream(JsonNode streams, String kind, String type) {
        for (JsonNode s : streams) {
            if (s.get("kind").asText().equals(kind) && s.get("type").asText().equals(type)) {
                return s;
            }
        }
        throw new AssertionError("no " + kind + " stream of type " + type + " in " + streams);
    }
}
