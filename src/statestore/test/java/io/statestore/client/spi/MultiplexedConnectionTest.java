package io.statestore.client.spi;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.statestore.client.StateStore;
import io.statestore.client.StateStoreOptions;
import io.statestore.testing.RedisServerExtension;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import redis.clients.jedis.BuilderFactory;
import redis.clients.jedis.CommandArguments;
import redis.clients.jedis.CommandObject;
import redis.clients.jedis.CommandObjects;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.Protocol;
import redis.clients.jedis.RedisProtocol;
import redis.clients.jedis.exceptions.JedisConnectionException;
import redis.clients.jedis.exceptions.JedisDataException;
import redis.clients.jedis.params.ClientKillParams;

/** One connection shared by many threads' calls: every reply reaches its own caller, and no failure strands one. */
class MultiplexedConnectionTest {
    @RegisterExtension
    static RedisServerExtension redis = RedisServerExtension.portable().withArgs("--appendonly", "yes");

    private static final CommandObjects COMMANDS = new CommandObjects(RedisProtocol.RESP2);
    private static final Duration TIMEOUT = Duration.ofSeconds(5);

    private MultiplexedConnection connect() {
        return TestConnections.multiplexed(redis.port(), TIMEOUT);
    }

    @Test
    void sixteenThreadsEachGetTheirOwnRepliesAndErrorRepliesStayWithTheirCalls() throws Exception {
        redis.flushAll();
        try (MultiplexedConnection c = connect()) {
            ExecutorService pool = Executors.newFixedThreadPool(16);
            List<Future<Integer>> done = new ArrayList<>();
            for (int t = 0; t < 16; t++) {
                int thread = t;
                done.add(pool.submit(() -> {
                    String key = "mux:" + thread;
                    c.call(COMMANDS.set("notanumber:" + thread, "x"), TIMEOUT);
                    int checked = 0;
                    for (int i = 0; i < 2000; i++) {
                        String value = thread + ":" + i;
                        assertEquals("OK", c.call(COMMANDS.set(key, value), TIMEOUT));
                        assertEquals(value, c.call(COMMANDS.get(key), TIMEOUT), "a reply reached another caller");
                        if (i % 10 == 0) { // an error reply in the stream must not shift the replies after it
                            JedisDataException e = assertThrows(
                                    JedisDataException.class,
                                    () -> c.call(COMMANDS.incr("notanumber:" + thread), TIMEOUT));
                            assertTrue(e.getMessage().contains("not an integer"), e.getMessage());
                        }
                        checked++;
                    }
                    return checked;
                }));
            }
            int total = 0;
            for (Future<Integer> f : done) {
                total += f.get(120, TimeUnit.SECONDS);
            }
            pool.shutdown();
            assertEquals(16 * 2000, total);
            assertFalse(c.failed());
        }
    }

    @Test
    void aKilledConnectionFailsEveryCallOnItAndStrandsNone() throws Exception {
        redis.flushAll();
        MultiplexedConnection c = connect();
        long id = c.call(
                new CommandObject<>(new CommandArguments(Protocol.Command.CLIENT).add("ID"), BuilderFactory.LONG),
                TIMEOUT);
        ExecutorService pool = Executors.newFixedThreadPool(8);
        CountDownLatch started = new CountDownLatch(8);
        AtomicInteger answered = new AtomicInteger();
        List<Future<JedisConnectionException>> outcomes = new ArrayList<>();
        for (int t = 0; t < 8; t++) {
            outcomes.add(pool.submit(() -> {
                started.countDown();
                try {
                    while (true) {
                        c.call(COMMANDS.incr("mux:counter"), TIMEOUT);
                        answered.incrementAndGet();
                    }
                } catch (JedisConnectionException e) {
                    return e;
                }
            }));
        }
        started.await();
        while (answered.get() < 500) {
            Thread.sleep(1);
        }
        try (Jedis admin = redis.jedis()) {
            admin.clientKill(ClientKillParams.clientKillParams().id(Long.toString(id)));
            for (Future<JedisConnectionException> f : outcomes) {
                assertInstanceOf(JedisConnectionException.class, f.get(30, TimeUnit.SECONDS));
            }
            pool.shutdown();
            assertTrue(c.failed());
            // every increment a caller saw answered was applied; the ones that failed may or may not have been
            long applied = Long.parseLong(admin.get("mux:counter"));
            assertTrue(applied >= answered.get() && applied <= answered.get() + 8, applied + " against " + answered);
        }
    }

    @Test
    void aCallOnAClosedConnectionIsNotSentAndSaysSo() {
        MultiplexedConnection c = connect();
        c.close();
        MultiplexedConnection.NotSent e =
                assertThrows(MultiplexedConnection.NotSent.class, () -> c.call(COMMANDS.incr("mux:never"), TIMEOUT));
        assertTrue(e.getMessage().contains("not sent"), e.getMessage());
        try (Jedis admin = redis.jedis()) {
            assertFalse(admin.exists("mux:never"));
        }
    }

    @Test
    void aServerThatDoesNotAnswerFailsTheCallAfterItsTimeoutAndTheConnection() throws Exception {
        MultiplexedConnection c = TestConnections.multiplexed(redis.port(), Duration.ofMillis(300));
        // The server answers nothing until SIGCONT, however long the call takes to be sent. (A
        // CLIENT PAUSE of 1 s left 650 ms for a stall between the pause and the call; past that
        // the server woke first and answered.)
        String pid = serverPid();
        signal("STOP", pid);
        Throwable e;
        try {
            long t0 = System.nanoTime();
            CompletableFuture<Object> call =
                    CompletableFuture.supplyAsync(() -> c.call(COMMANDS.ping(), Duration.ofMillis(300)));
            // only the call's own timeout can end it while the server is stopped (60 s: a hang guard)
            e = assertThrows(ExecutionException.class, () -> call.get(60, TimeUnit.SECONDS))
                    .getCause();
            System.out.println("failed after " + (System.nanoTime() - t0) / 1_000_000 + " ms (timeout 300 ms)");
        } finally {
            signal("CONT", pid);
        }
        assertInstanceOf(JedisConnectionException.class, e);
        assertTrue(c.failed(), e.getMessage());
    }

    private static String serverPid() {
        try (Jedis admin = redis.jedis()) {
            return admin.info("server")
                    .lines()
                    .filter(l -> l.startsWith("process_id:"))
                    .findFirst()
                    .orElseThrow()
                    .substring("process_id:".length())
                    .trim();
        }
    }

    private static void signal(String signal, String pid) throws Exception {
        Process kill = new ProcessBuilder("kill", "-" + signal, pid).inheritIO().start();
        assertEquals(0, kill.waitFor(), "kill -" + signal + " " + pid);
    }

    @Test
    void aStoreSendsItsThreadsCallsOnOneConnection() throws Exception {
        redis.flushAll();
        StateStore store = redis.newStore(b -> b.poolSize(16));
        store.put("warm", 1);
        int before = connectedClients();
        ExecutorService pool = Executors.newFixedThreadPool(16);
        List<Future<?>> done = new ArrayList<>();
        for (int t = 0; t < 16; t++) {
            int thread = t;
            done.add(pool.submit(() -> {
                for (int i = 0; i < 200; i++) {
                    store.put("doc-" + thread, i);
                    assertEquals(
                            i, store.get("doc-" + thread).orElseThrow().value().asInt());
                }
                return null;
            }));
        }
        for (Future<?> f : done) {
            f.get(120, TimeUnit.SECONDS);
        }
        pool.shutdown();
        assertEquals(
                before, connectedClients(), "16 threads' puts and gets opened no connection beyond the shared one");
        store.close();
    }

    @Test
    void aWriteLargerThanTheSharedLimitGoesOnAPooledConnection() throws Exception {
        redis.flushAll();
        StateStore store = redis.newStore();
        store.put("small", 1);
        store.put("small", 2);
        assertEquals(1, lastCalledFunction(), "small writes go on the one shared connection");
        store.put("large", java.util.Map.of("text", "z".repeat(RedisGateway.SHARED_MAX_CHARS)));
        assertEquals(2, lastCalledFunction(), "a large one on a pooled connection");
        assertEquals(
                RedisGateway.SHARED_MAX_CHARS,
                store.get("large").orElseThrow().value().get("text").asText().length());
        store.close();
    }

    /** Connections whose last command was a function call. */
    private static long lastCalledFunction() {
        try (Jedis admin = redis.jedis()) {
            return admin.clientList()
                    .lines()
                    .filter(l -> l.contains(" cmd=fcall "))
                    .count();
        }
    }

    @Test
    void aWriteAfterTheServerRestartedUnderAnIdleStoreIsNotLeftInDoubt() throws Exception {
        try (RedisGateway gateway = new RedisGateway(StateStoreOptions.builder()
                .uri(redis.uri())
                .timeout(Duration.ofSeconds(2))
                .build())) {
            FunctionCalls.Call version = new FunctionCalls.Call("ss_version", List.of(), List.of());
            gateway.fcall(version, null);
            redis.stop(); // the libraries survive in the AOF: the write below is the first call after the restart
            redis.start();
            Thread.sleep(SharedConnection.IDLE_CHECK.toMillis() + 200);
            // sent on the connection the restart closed, a write could not tell whether it was applied
            assertTrue(gateway.fcall(version, null) != null);
        }
    }

    private static int connectedClients() {
        try (Jedis admin = redis.jedis()) {
            return (int) admin.clientList()
                    .lines()
                    .filter(l -> !l.contains("cmd=client"))
                    .count();
        }
    }
}
