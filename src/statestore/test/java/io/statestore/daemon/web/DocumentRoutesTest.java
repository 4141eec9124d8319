package io.statestore.daemon.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.statestore.client.Role;
import io.statestore.client.WriteOptions;
import io.statestore.client.spi.FunctionCalls;
import io.statestore.client.spi.KeyLayout;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import redis.clients.jedis.DefaultJedisClientConfig;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.Pipeline;

/** The Documents and History endpoints of a running daemon: status codes, roles, CSRF, paging through 100,000 keys. */
class DocumentRoutesTest {
    @TempDir
    static Path dir;

    static DashboardDaemon d;
    static ApiClient reader;
    static ApiClient writer;

    @BeforeAll
    static void start() throws Exception {
        d = new DashboardDaemon(dir);
        reader = d.login("reader");
        writer = d.login("writer");
    }

    @AfterAll
    static void stop() {
        if (d != null) {
            d.close();
        }
    }

    @Test
    void theTreeCountsEachSegmentsDocuments() throws Exception {
        for (String k :
                List.of("t:job", "t:job:a", "t:job:b", "t:job1", "t:job10", "t:job1:x", "t:jobs:z", "t:other")) {
            d.writer.put(k, Map.of("k", k));
        }
        JsonNode level = reader.json("/api/tree?prefix=t:");
        Map<String, String> seen = new TreeMap<>();
        for (JsonNode c : level.get("children")) {
            seen.put(
                    c.get("segment").asText(),
                    c.get("count").asLong()
                            + (c.get("document").asBoolean() ? " doc" : "")
                            + (c.get("branch").asBoolean() ? " branch" : ""));
        }
        assertEquals(
                Map.of(
                        "job",
                        "3 doc branch",
                        "job1",
                        "2 doc branch",
                        "job10",
                        "1 doc",
                        "jobs",
                        "1 branch",
                        "other",
                        "1 doc"),
                seen);
        assertFalse(level.get("more").asBoolean());
        JsonNode top = reader.json("/api/tree");
        assertTrue(top.get("children").toString().contains("\"segment\":\"t\""), top.toString());
        HttpResponse<String> bad = reader.get("/api/tree?prefix=t");
        assertEquals(400, bad.statusCode());
        assertTrue(ApiClient.error(bad).contains("must end with ':'"), bad.body());
    }

    @Test
    void aLevelWithMoreSegmentsThanShownSaysSo() throws Exception {
        bulkWrite(i -> "wide:" + String.format("%04d", i) + ":x", KeyTree.MAX_CHILDREN + 5);
        JsonNode level = reader.json("/api/tree?prefix=wide:");
        assertEquals(KeyTree.MAX_CHILDREN, level.get("children").size());
        assertTrue(level.get("more").asBoolean());
        assertEquals("0000", level.at("/children/0/segment").asText());
        assertEquals(1, level.at("/children/0/count").asLong());
    }

    @Test
    void aDocumentShowsItsContentAndMetadata() throws Exception {
        d.writer.put(
                "doc:ttl",
                Map.of("n", 1, "name", "x"),
                WriteOptions.builder().ttl(Duration.ofHours(1)).build());
        JsonNode doc = reader.json("/api/doc?key=" + ApiClient.enc("doc:ttl"));
        assertEquals(1, doc.get("revision").asLong());
        assertEquals("test-writer", doc.get("writer").asText());
        assertEquals(1, doc.at("/value/n").asInt());
        assertEquals(doc.get("value").toString().length(), doc.get("size").asInt());
        long ttl = doc.get("ttlMillis").asLong();
        assertTrue(ttl > 0 && ttl <= 3_600_000, "TTL left: " + ttl);
        assertTrue(doc.get("created").asText().matches("\\d{4}-\\d\\d-\\d\\dT.*Z"), doc.toString());
        d.writer.put("doc:plain", Map.of());
        assertTrue(reader.json("/api/doc?key=doc:plain").get("ttlMillis").isNull());

        HttpResponse<String> missing = reader.get("/api/doc?key=doc:none");
        assertEquals(404, missing.statusCode());
        assertEquals("no document \"doc:none\"", ApiClient.error(missing));
        HttpResponse<String> noKey = reader.get("/api/doc");
        assertEquals(400, noKey.statusCode());
        assertTrue(ApiClient.error(noKey).contains("key is missing"), noKey.body());
    }

    @Test
    void historyListsVersionsAndTheDiffNamesTheChangedPaths() throws Exception {
        d.writer.put("h:diff", Map.of("status", "ok", "n", 1, "tags", List.of("a")));
        d.writer.put("h:diff", Map.of("status", "failed", "n", 1, "tags", List.of("a", "b"), "extra", true));
        JsonNode h = reader.json("/api/history?key=h:diff");
        assertEquals(2, h.get("versions").size());
        assertEquals(1, h.at("/versions/0/revision").asLong());
        JsonNode diff = reader.json("/api/diff?key=h:diff&from=1&to=2");
        Map<String, String> changes = new TreeMap<>();
        for (JsonNode c : diff.get("changes")) {
            changes.put(c.get("path").asText(), c.get("kind").asText());
        }
        assertEquals(Map.of("$.status", "changed", "$.tags[1]", "added", "$.extra", "added"), changes);
        assertEquals("ok", diff.at("/before/status").asText());
        assertEquals(400, reader.get("/api/diff?key=h:diff&from=x&to=2").statusCode());
        assertEquals(404, reader.get("/api/diff?key=h:diff&from=1&to=99").statusCode());
        assertEquals(
                1, reader.json("/api/version?key=h:diff&rev=1").at("/value/n").asInt());
    }

    @Test
    void revertIsTheWritersThroughTheNormalRevertCall() throws Exception {
        d.writer.put("h:rev", Map.of("v", "first"));
        d.writer.put("h:rev", Map.of("v", "second"));
        Map<String, Object> body = Map.of("key", "h:rev", "revision", 1);

        HttpResponse<String> asReader = reader.post("/api/revert", body, true);
        assertEquals(403, asReader.statusCode());
        assertTrue(ApiClient.error(asReader).contains("needs the writer role"), asReader.body());
        HttpResponse<String> noCsrf = writer.post("/api/revert", body, false);
        assertEquals(403, noCsrf.statusCode());
        assertEquals(2, d.writer.get("h:rev").orElseThrow().revision(), "a refused revert changes nothing");

        HttpResponse<String> ok = writer.post("/api/revert", body, true);
        assertEquals(200, ok.statusCode(), ok.body());
        assertEquals(3, ApiClient.JSON.readTree(ok.body()).get("revision").asLong());
        assertEquals(
                "first", d.writer.get("h:rev").orElseThrow().value().get("v").asText());
        assertEquals("revert", d.writer.history().get("h:rev", 3).op());

        assertEquals(
                400, writer.post("/api/revert", Map.of("key", "h:rev"), true).statusCode());
        assertEquals(
                400, writer.post("/api/revert", Map.of("revision", 1), true).statusCode());
        assertEquals(
                404,
                writer.post("/api/revert", Map.of("key", "h:rev", "revision", 77), true)
                        .statusCode());
        assertEquals(400, writer.post("/api/revert", "{not json", true).statusCode());
        assertEquals(3, d.writer.get("h:rev").orElseThrow().revision(), "bad input changed nothing");
    }

    @Test
    void metricsOfTheRunningDaemonHoldOurJvmPoolAndSchedulerMeters() throws Exception {
        String m = java.net.http.HttpClient.newHttpClient()
                .send(
                        java.net.http.HttpRequest.newBuilder(
                                        java.net.URI.create("http://127.0.0.1:" + d.httpPort() + "/metrics"))
                                .build(),
                        HttpResponse.BodyHandlers.ofString())
                .body();
        for (String series : List.of(
                "statestore_feed_length ",
                "statestore_scheduler_jobs ",
                "statestore_scheduler_threads 3",
                "statestore_scheduler_running ",
                "jvm_memory_used_bytes{",
                "jvm_threads_live_threads ",
                "statestore_admin_pool_idle ")) {
            assertTrue(m.contains(series), series + " in\n" + m);
        }
    }

    @Test
    void noCookieIsRefusedWith401() throws Exception {
        HttpResponse<String> r = java.net.http.HttpClient.newHttpClient()
                .send(
                        java.net.http.HttpRequest.newBuilder(
                                        java.net.URI.create("http://127.0.0.1:" + d.httpPort() + "/api/keys"))
                                .build(),
                        HttpResponse.BodyHandlers.ofString());
        assertEquals(401, r.statusCode());
    }

    @Test
    void pagingVisitsEachOf100000KeysOnceInOrder() throws Exception {
        int n = 100_000;
        bulkWrite(i -> "bulk:" + String.format("%06d", i), n);
        List<String> all = new ArrayList<>(n);
        String after = null;
        int pages = 0;
        do {
            JsonNode page = reader.json(
                    "/api/keys?prefix=bulk:&limit=1000" + (after == null ? "" : "&after=" + ApiClient.enc(after)));
            page.get("keys").forEach(k -> all.add(k.asText()));
            after = page.get("next").isNull() ? null : page.get("next").asText();
            pages++;
        } while (after != null);
        assertEquals(n, all.size());
        for (int i = 1; i < all.size(); i++) {
            assertTrue(all.get(i - 1).compareTo(all.get(i)) < 0, "in order, no repeats, at " + i);
        }
        assertTrue(pages >= 100 && pages <= 101, "pages: " + pages);
        JsonNode top = reader.json("/api/tree");
        long count = 0;
        for (JsonNode c : top.get("children")) {
            if (c.get("segment").asText().equals("bulk")) {
                count = c.get("count").asLong();
            }
        }
        assertEquals(n, count);
        JsonNode first = reader.json("/api/keys?prefix=bulk:");
        assertEquals(DocumentRoutes.DEFAULT_PAGE, first.get("keys").size());
        assertEquals(400, reader.get("/api/keys?limit=0").statusCode());
        assertEquals(400, reader.get("/api/keys?prefix=a:&after=b:1").statusCode());
        assertNull(reader.json("/api/keys?prefix=nothing-here:").get("next").textValue());
    }

    /** {@code n} documents through ss_put, pipelined: the functions write them as any client would. */
    private static void bulkWrite(java.util.function.IntFunction<String> key, int n) throws Exception {
        FunctionCalls calls = new FunctionCalls(new KeyLayout("ss:"));
        FunctionCalls.Writer w = new FunctionCalls.Writer("bulk", "string", null, null);
        try (Jedis j = new Jedis(
                new HostAndPort("127.0.0.1", d.redisPort),
                DefaultJedisClientConfig.builder()
                        .user(Role.WRITER.userName())
                        .password(d.password("writer"))
                        .build())) {
            Pipeline p = j.pipelined();
            for (int i = 0; i < n; i++) {
                FunctionCalls.Call c = calls.put(key.apply(i), "put", "{\"i\":" + i + "}", null, null, w);
                p.fcall(c.function(), c.keys(), c.args());
                if (i % 5000 == 4999) {
                    p.sync();
                }
            }
            p.sync();
        }
    }
}
