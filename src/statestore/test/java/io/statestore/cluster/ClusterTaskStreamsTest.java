package io.statestore.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.statestore.client.TaskStreams;
import io.statestore.client.events.Subscription;
import io.statestore.client.events.TaskChunk;
import io.statestore.client.events.TaskEnd;
import io.statestore.client.events.TaskListener;
import io.statestore.client.events.TaskProducer;
import io.statestore.client.spi.SlotTags;
import io.statestore.testing.RedisClusterExtension;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import redis.clients.jedis.Jedis;

/** Task streams on a real cluster: each task in its own slot, followed before, during and after its run. */
class ClusterTaskStreamsTest {
    @RegisterExtension
    static RedisClusterExtension cluster = RedisClusterExtension.threePrimaries();

    @Test
    void tasksOnEveryPrimaryAreFollowedWholeOnceInOrder() throws Exception {
        TaskStreams tasks = cluster.newStore().tasks();
        Map<Integer, String> byPrimary = new LinkedHashMap<>();
        for (int i = 0; byPrimary.size() < 3; i++) {
            byPrimary.putIfAbsent(cluster.primaryOfSlot(SlotTags.slot("gen-" + i)), "gen-" + i);
        }
        for (Map.Entry<Integer, String> e : byPrimary.entrySet()) {
            String task = e.getValue();
            assertFalse(tasks.exists(task));
            // one follower before the producer starts, one during, one after the end
            List<String> early = Collections.synchronizedList(new ArrayList<>());
            CompletableFuture<TaskEnd> earlyEnd = new CompletableFuture<>();
            Subscription before = tasks.subscribe(task, listener(early, earlyEnd));
            TaskProducer p = tasks.producer(task, Duration.ofMinutes(5));
            for (int i = 0; i < 50; i++) {
                p.append("line " + i + "\n");
            }
            List<String> middle = Collections.synchronizedList(new ArrayList<>());
            CompletableFuture<TaskEnd> middleEnd = new CompletableFuture<>();
            Subscription during = tasks.subscribe(task, listener(middle, middleEnd));
            for (int i = 50; i < 100; i++) {
                p.append("line " + i + "\n");
            }
            p.done("ok");
            List<String> late = new ArrayList<>();
            TaskEnd end = tasks.follow(task, c -> late.add(c.text()), Duration.ofSeconds(30));
            assertEquals("done", end.status());
            assertEquals("ok", end.message());
            assertEquals("done", earlyEnd.get(30, TimeUnit.SECONDS).status());
            assertEquals("done", middleEnd.get(30, TimeUnit.SECONDS).status());
            before.close();
            during.close();
            List<String> expected = new ArrayList<>();
            for (int i = 0; i < 100; i++) {
                expected.add("line " + i + "\n");
            }
            assertEquals(expected, early, task + ": the follower that came first");
            assertEquals(expected, middle, task + ": the follower that came during the run");
            assertEquals(expected, late, task + ": the follower that came after the end");
            assertTrue(tasks.exists(task));
            try (Jedis node = cluster.node(e.getKey())) {
                assertEquals(101, node.xlen("ss:task:{" + task + "}"), task + " is on the primary of its slot");
                assertTrue(node.pttl("ss:task:{" + task + "}") > 0, "it has a TTL");
            }
        }
        assertEquals(3, new HashSet<>(byPrimary.keySet()).size());
    }

    private static TaskListener listener(List<String> chunks, CompletableFuture<TaskEnd> end) {
        return new TaskListener() {
            @Override
            public void onChunk(TaskChunk chunk) {
                chunks.add(chunk.text());
            }

            @Override
            public void onEnd(TaskEnd e) {
                end.complete(e);
            }
        };
    }
}
