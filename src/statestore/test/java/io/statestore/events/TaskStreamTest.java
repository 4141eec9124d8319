package io.statestore.events;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.statestore.client.InvalidInputException;
import io.statestore.client.StateStore;
import io.statestore.client.TaskStreams;
import io.statestore.client.events.TaskEnd;
import io.statestore.client.events.TaskProducer;
import io.statestore.testing.RedisServerExtension;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import redis.clients.jedis.Jedis;

class TaskStreamTest {
    @RegisterExtension
    static RedisServerExtension redis = RedisServerExtension.portable();

    static final int CHUNKS = 300;

    record Seen(List<String> chunks, TaskEnd end) {}

    @Test
    void subscribersJoiningBeforeDuringAndAfterTheProducerEachSeeTheFullOutputOnce() throws Exception {
        StateStore store = redis.newStore();
        TaskStreams tasks = store.tasks();
        String task = "gen-42";
        List<CompletableFuture<Seen>> subscribers = new ArrayList<>();
        subscribers.add(follow(tasks, task)); // before the producer starts
        TaskProducer p = tasks.producer(task, Duration.ofMinutes(5));
        List<String> expected = new ArrayList<>();
        CountDownLatch halfway = new CountDownLatch(1);
        Thread producer = new Thread(() -> {
            for (int i = 0; i < CHUNKS; i++) {
                String c = "line " + i + "\n";
                p.append(c);
                expected.add(c);
                if (i == CHUNKS / 2) {
                    halfway.countDown();
                }
                if (i % 10 == 0) {
                    sleep(5);
                }
            }
            p.done("ok");
        });
        producer.start();
        assertTrue(halfway.await(30, TimeUnit.SECONDS));
        for (int i = 0; i < 3; i++) {
            subscribers.add(follow(tasks, task)); // while it runs
        }
        producer.join();
        subscribers.add(follow(tasks, task)); // after it ended
        for (CompletableFuture<Seen> f : subscribers) {
            Seen s = f.get(30, TimeUnit.SECONDS);
            assertEquals(expected, s.chunks());
            assertEquals("done", s.end().status());
            assertEquals("ok", s.end().message());
        }
        try (Jedis j = redis.jedis()) {
            long ttl = j.pttl("ss:task:{gen-42}");
            assertTrue(ttl > 0 && ttl <= Duration.ofMinutes(5).toMillis(), "TTL " + ttl);
        }
        assertThrows(InvalidInputException.class, () -> p.append("after the end"));
    }

    @Test
    void aFailedTaskTellsItsSubscribersWhy() {
        StateStore store = redis.newStore();
        TaskProducer p = store.tasks().producer("t-fail", Duration.ofSeconds(30));
        p.append("working\n");
        p.failed("out of memory");
        List<String> chunks = new ArrayList<>();
        TaskEnd end = store.tasks().follow("t-fail", c -> chunks.add(c.text()), Duration.ofSeconds(10));
        assertEquals(List.of("working\n"), chunks);
        assertTrue(end.failed());
        assertEquals("out of memory", end.message());
    }

    private static CompletableFuture<Seen> follow(TaskStreams tasks, String task) {
        return CompletableFuture.supplyAsync(
                () -> {
                    List<String> chunks = Collections.synchronizedList(new ArrayList<>());
                    TaskEnd end = tasks.follow(task, c -> chunks.add(c.text()), Duration.ofSeconds(30));
                    return new Seen(chunks, end);
                },
                r -> new Thread(r).start());
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
