package io.statestore.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.statestore.testing.RedisServerExtension;
import java.net.URI;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.JedisPubSub;
import redis.clients.jedis.resps.StreamEntry;

/** The floor does the writes it claims (the figures in docs/benchmarks.md rest on that). */
class FloorContenderTest {
    @RegisterExtension
    static RedisServerExtension redis = RedisServerExtension.portable();

    @Test
    void eachUpdateWritesTheDocumentAFeedEntryTheMetadataAndANotification() throws Exception {
        Workload w = new Workload(Workload.Operation.MERGE, 1, 2, false);
        try (FloorContender floor = new FloorContender(new BenchRedis(URI.create(redis.uri())), 4, 100)) {
            floor.prepare(w);
            ClientOp op = floor.client(w, 1);
            String key = w.key(1);
            java.util.concurrent.BlockingQueue<String> notes = new java.util.concurrent.LinkedBlockingQueue<>();
            JedisPubSub sub = new JedisPubSub() {
                @Override
                public void onPMessage(String pattern, String channel, String message) {
                    notes.add(channel + " " + message);
                }

                @Override
                public void onPSubscribe(String pattern, int count) {
                    notes.add("subscribed");
                }
            };
            Thread listener = new Thread(() -> {
                try (Jedis j = redis.jedis()) {
                    j.psubscribe(sub, "floor:c:*");
                }
            });
            listener.start();
            assertEquals("subscribed", notes.poll(10, java.util.concurrent.TimeUnit.SECONDS));
            for (long seq = 0; seq < 3; seq++) {
                op.run(seq);
            }
            try (Jedis j = redis.jedis()) {
                assertTrue(j.get(key).startsWith("{"), "the document is stored");
                assertEquals(1024, j.strlen(key));
                Map<String, String> meta = j.hgetAll("floor:m:{" + key + "}");
                assertEquals("3", meta.get("rev"));
                List<StreamEntry> feed = j.xrange("floor:feed", "-", "+");
                assertEquals(3, feed.size());
                assertEquals(key, feed.get(2).getFields().get("key"));
                assertEquals("3", feed.get(2).getFields().get("rev"));
                assertEquals(
                        Documents.patch(1, 0).toString(),
                        feed.get(2).getFields().get("change"));
                for (int i = 0; i < 3; i++) {
                    String note = notes.poll(10, java.util.concurrent.TimeUnit.SECONDS);
                    assertTrue(
                            note != null
                                    && note.startsWith("floor:c:" + key + " ")
                                    && note.contains(feed.get(i).getID().toString()),
                            "notification " + i + ": " + note);
                }
            } finally {
                sub.punsubscribe();
                listener.join();
            }
        }
    }
}
