package io.statestore.daemon.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The live feed's WebSocket: batching, resuming after a forced disconnect without loss or repeat, filters, refusals. */
class LiveFeedTest {
    private static final Duration BOUND = Duration.ofSeconds(60);

    @TempDir
    static Path dir;

    static DashboardDaemon d;
    static ApiClient reader;

    @BeforeAll
    static void start() throws Exception {
        d = new DashboardDaemon(dir);
        reader = d.login("reader");
    }

    @AfterAll
    static void stop() {
        if (d != null) {
            d.close();
        }
    }

    /** One socket's frames, as JSON, and how it closed. */
    static final class Page implements WebSocket.Listener {
        final LinkedBlockingQueue<JsonNode> frames = new LinkedBlockingQueue<>();
        final CompletableFuture<Integer> closed = new CompletableFuture<>();
        private final StringBuilder partial = new StringBuilder();
        WebSocket socket;

        @Override
        public CompletionStage<?> onText(WebSocket ws, CharSequence data, boolean last) {
            partial.append(data);
            if (last) {
                try {
                    frames.add(ApiClient.JSON.readTree(partial.toString()));
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
                partial.setLength(0);
            }
            ws.request(1);
            return null;
        }

        @Override
        public CompletionStage<?> onClose(WebSocket ws, int code, String reason) {
            closed.complete(code);
            return null;
        }

        JsonNode next() throws InterruptedException {
            JsonNode f = frames.poll(BOUND.toSeconds(), TimeUnit.SECONDS);
            if (f == null) {
                throw new AssertionError("no frame within " + BOUND);
            }
            return f;
        }
    }

    static Page open(String query, String cookie, String origin) throws Exception {
        Page page = new Page();
        WebSocket.Builder b = HttpClient.newHttpClient().newWebSocketBuilder();
        if (cookie != null) {
            b.header("Cookie", cookie);
        }
        if (origin != null) {
            b.header("Origin", origin);
        }
        page.socket = b.buildAsync(URI.create("ws://127.0.0.1:" + d.httpPort() + "/ws/live" + query), page)
                .get(BOUND.toSeconds(), TimeUnit.SECONDS);
        return page;
    }

    @Test
    void changesArriveInFeedOrderBatchedAtMost200AFrame() throws Exception {
        Page page = open("?prefix=order:", reader.cookie, null);
        String start = page.next().get("position").asText();
        assertTrue(start.matches("\\d+-\\d+"), start);
        for (int i = 0; i < 450; i++) {
            d.writer.put("order:" + (i % 3), Map.of("i", i));
        }
        List<JsonNode> got = new ArrayList<>();
        while (got.size() < 450) {
            JsonNode f = page.next();
            assertTrue(
                    f.get("changes").size() <= LiveSocket.FRAME_CHANGES,
                    "frame of " + f.get("changes").size());
            f.get("changes").forEach(got::add);
        }
        assertEquals(450, got.size());
        for (int i = 0; i < 450; i++) {
            assertEquals(i, got.get(i).at("/change/i").asInt(), "in commit order");
            assertEquals("put", got.get(i).get("op").asText());
        }
        page.socket.sendClose(WebSocket.NORMAL_CLOSURE, "done");
    }

    @Test
    void aPageThatReconnectsFromItsPositionMissesNothingAndSeesNothingTwice() throws Exception {
        Page first = open("?prefix=resume:", reader.cookie, null);
        String position = first.next().get("position").asText();
        int total = 500;
        java.util.concurrent.CountDownLatch disconnected = new java.util.concurrent.CountDownLatch(1);
        Thread writes = new Thread(() -> {
            for (int i = 0; i < total; i++) {
                if (i == 250) {
                    try {
                        disconnected.await(); // half before the disconnect, half while the page is away
                    } catch (InterruptedException e) {
                        return;
                    }
                }
                d.writer.put("resume:" + (i % 7), Map.of("i", i));
            }
        });
        writes.start();
        Set<Integer> seen = new LinkedHashSet<>();
        List<Integer> order = new ArrayList<>();
        while (seen.size() < 100) {
            JsonNode f = first.next();
            f.get("changes").forEach(c -> {
                order.add(c.at("/change/i").asInt());
                seen.add(c.at("/change/i").asInt());
            });
            position = f.get("position").asText();
        }
        d.daemon.http().orElseThrow().live().orElseThrow().disconnectAll();
        assertEquals(1012, first.closed.get(BOUND.toSeconds(), TimeUnit.SECONDS));
        disconnected.countDown();
        // frames already on their way before the close are the page's too
        JsonNode late;
        while ((late = first.frames.poll()) != null) {
            late.get("changes").forEach(c -> {
                order.add(c.at("/change/i").asInt());
                seen.add(c.at("/change/i").asInt());
            });
            position = late.get("position").asText();
        }
        Page second = open("?prefix=resume:&from=" + position, reader.cookie, null);
        while (seen.size() < total) {
            second.next().get("changes").forEach(c -> {
                order.add(c.at("/change/i").asInt());
                seen.add(c.at("/change/i").asInt());
            });
        }
        writes.join();
        assertEquals(total, order.size(), "no change twice");
        for (int i = 0; i < total; i++) {
            assertEquals(i, order.get(i), "every change, in order");
        }
        second.socket.sendClose(WebSocket.NORMAL_CLOSURE, "done");
    }

    @Test
    void theOperationFilterLeavesOtherChangesOut() throws Exception {
        Page page = open("?prefix=ops:&ops=del", reader.cookie, null);
        page.next();
        d.writer.put("ops:a", Map.of("n", 1));
        d.writer.put("ops:b", Map.of("n", 1));
        d.writer.delete("ops:a");
        d.writer.delete("ops:b");
        List<String> got = new ArrayList<>();
        while (got.size() < 2) {
            page.next()
                    .get("changes")
                    .forEach(c ->
                            got.add(c.get("op").asText() + " " + c.get("key").asText()));
        }
        assertEquals(List.of("del ops:a", "del ops:b"), got);
        page.socket.sendClose(WebSocket.NORMAL_CLOSURE, "done");
    }

    @Test
    void withoutALoginOrFromAnotherSiteTheSocketIsClosed() throws Exception {
        assertEquals(4401, open("", null, null).closed.get(BOUND.toSeconds(), TimeUnit.SECONDS));
        assertEquals(
                4403, open("", reader.cookie, "http://evil.example").closed.get(BOUND.toSeconds(), TimeUnit.SECONDS));
        assertEquals(4400, open("?ops=Bad!", reader.cookie, null).closed.get(BOUND.toSeconds(), TimeUnit.SECONDS));
    }
}
