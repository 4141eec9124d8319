package io.statestore.daemon.web.series;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.statestore.client.StateStoreOptions;
import io.statestore.daemon.redis.RedisAdmin;
import io.statestore.daemon.series.Retention;
import io.statestore.daemon.series.SeriesStore;
import io.statestore.daemon.series.SeriesStores;
import io.statestore.daemon.web.Access;
import io.statestore.daemon.web.WebError;
import io.statestore.daemon.web.WebHandler;
import io.statestore.daemon.web.WebRequest;
import io.statestore.daemon.web.WebRoutes;
import io.statestore.testing.RedisServerExtension;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The series endpoints called through a small Registry, as the HTTP server would, against real Redis. */
class SeriesRoutesTest {
    @RegisterExtension
    static RedisServerExtension redis = RedisServerExtension.portable();

    static final long T0 = Instant.parse("2026-12-04T00:00:00Z").toEpochMilli();
    static final ObjectMapper JSON = new ObjectMapper();

    /** Records what a group registers, so a test can call a handler by method and path. */
    static final class TestRegistry implements WebRoutes.Registry {
        final Map<String, WebHandler> handlers = new HashMap<>();
        final Map<String, Access> access = new HashMap<>();

        @Override
        public void get(String path, Access a, WebHandler h) {
            handlers.put("GET " + path, h);
            access.put("GET " + path, a);
        }

        @Override
        public void post(String path, Access a, WebHandler h) {
            handlers.put("POST " + path, h);
            access.put("POST " + path, a);
        }

        JsonNode call(String route, Map<String, String> query) throws Exception {
            WebRequest r = new WebRequest() {
                @Override
                public String pathParam(String name) {
                    throw new IllegalArgumentException("no path parameter " + name);
                }

                @Override
                public Optional<String> query(String name) {
                    return Optional.ofNullable(query.get(name));
                }

                @Override
                public JsonNode body() {
                    return JSON.createObjectNode();
                }

                @Override
                public Access access() {
                    return Access.READER;
                }
            };
            // through Jackson, as the server writes the response
            return JSON.readTree(JSON.writeValueAsString(handlers.get(route).handle(r)));
        }
    }

    RedisAdmin admin;
    TestRegistry api = new TestRegistry();

    @BeforeEach
    void seed() {
        redis.flushAll();
        admin = new RedisAdmin(StateStoreOptions.of(redis.uri()));
        SeriesStore store = SeriesStores.open(admin, "ss:", Retention.DEFAULT, Clock.systemUTC());
        store.register("depth", "quantum:status $.queue_depth every 10s");
        for (int i = 0; i < 6; i++) {
            store.add("depth", T0 + i * 20_000L, i);
        }
        store.register("idle", "never sampled yet");
        Clock fixed = Clock.fixed(Instant.ofEpochMilli(T0 + 30 * 60_000L), ZoneOffset.UTC);
        new SeriesRoutes(store, fixed).register(api);
    }

    @AfterEach
    void close() {
        admin.close();
    }

    @Test
    void bothEndpointsNeedOnlyTheReaderRole() {
        assertEquals(Map.of("GET /series", Access.READER, "GET /series/range", Access.READER), api.access);
    }

    @Test
    void listsTheSeriesWithTheirNewestSample() throws Exception {
        assertEquals(JSON.readTree("""
                [{"name":"depth","description":"quantum:status $.queue_depth every 10s","skipped":0,
                  "lastTime":%d,"lastValue":5.0},
                 {"name":"idle","description":"never sampled yet","skipped":0}]""".formatted(T0 + 100_000)), api.call("GET /series", Map.of()));
    }

    @Test
    void rangeReturnsNameAndPointsRawOrAggregated() throws Exception {
        assertEquals(
                JSON.readTree("{\"name\":\"depth\",\"points\":[[%d,0.0],[%d,1.0]]}".formatted(T0, T0 + 20_000)),
                api.call(
                        "GET /series/range",
                        Map.of("name", "depth", "from", Long.toString(T0), "to", Long.toString(T0 + 20_000))));
        assertEquals(
                JSON.readTree("{\"name\":\"depth\",\"points\":[[%d,1.0],[%d,4.0]]}".formatted(T0, T0 + 60_000)),
                api.call("GET /series/range", Map.of("name", "depth", "agg", "avg:1m")),
                "from defaults to an hour ago");
        assertEquals(
                6,
                api.call(
                                "GET /series/range",
                                Map.of("name", "depth", "from", "2026-12-04T00:00:00Z", "agg", "count:1h"))
                        .get("points")
                        .get(0)
                        .get(1)
                        .asInt());
    }

    @Test
    void badInputIs400AndAnUnknownSeries404InOurWords() {
        WebError noName = assertThrows(WebError.class, () -> api.call("GET /series/range", Map.of()));
        assertEquals(400, noName.status());
        assertEquals("the query parameter name is required: the series to read", noName.getMessage());
        WebError agg = assertThrows(
                WebError.class, () -> api.call("GET /series/range", Map.of("name", "depth", "agg", "avg")));
        assertEquals(400, agg.status());
        assertEquals(
                "aggregation \"avg\" has no bucket: write avg, min, max, sum or count, a colon and a bucket duration,"
                        + " e.g. avg:1m",
                agg.getMessage());
        WebError from = assertThrows(
                WebError.class, () -> api.call("GET /series/range", Map.of("name", "depth", "from", "soon")));
        assertEquals(400, from.status());
        assertEquals(
                "from \"soon\" is not a time: write now, a duration before now such as -1h or -30m, an ISO-8601 time such"
                        + " as 2026-12-06T10:00:00Z, or epoch milliseconds",
                from.getMessage());
        WebError backwards = assertThrows(
                WebError.class,
                () -> api.call("GET /series/range", Map.of("name", "depth", "from", "now", "to", "-1h")));
        assertEquals(400, backwards.status());
        WebError unknown = assertThrows(WebError.class, () -> api.call("GET /series/range", Map.of("name", "nope")));
        assertEquals(404, unknown.status());
        assertEquals("no series named \"nope\" (statestore ts ls lists them)", unknown.getMessage());
    }
}
