package io.statestore.client.spi;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.statestore.client.StateStoreException;
import io.statestore.client.StateStoreOptions;
import io.statestore.testing.RedisServerExtension;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import redis.clients.jedis.BuilderFactory;
import redis.clients.jedis.CommandArguments;
import redis.clients.jedis.CommandObject;
import redis.clients.jedis.CommandObjects;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.Protocol;
import redis.clients.jedis.RedisProtocol;
import redis.clients.jedis.args.ClientType;
import redis.clients.jedis.exceptions.JedisConnectionException;
import redis.clients.jedis.exceptions.JedisDataException;
import redis.clients.jedis.exceptions.JedisException;
import redis.clients.jedis.params.ClientKillParams;

/**
 * Faults on the shared connection, against a real server: each test is an interleaving found by
 * reading {@link MultiplexedConnection} (docs/multiplexing.md, "Faults found and mended").
 */
class MultiplexedConnectionFaultsTest {
    @RegisterExtension
    static RedisServerExtension redis = RedisServerExtension.portable();

    private static final CommandObjects COMMANDS = new CommandObjects(RedisProtocol.RESP2);
    private static final Duration TIMEOUT = Duration.ofSeconds(5);

    private static MultiplexedConnection connect(Duration timeout) {
        return TestConnections.multiplexed(redis.port(), timeout);
    }

    /**
     * A nil reply (GET of a missing key) completed its call with null, which is also "no reply
     * yet": the caller waited on, past its timeout, and then spun for ever (its call had left
     * the queue, so failing the connection did not complete it).
     */
    @Test
    void aNilReplyReachesItsCaller() throws Exception {
        redis.flushAll();
        MultiplexedConnection c = connect(TIMEOUT);
        try {
            CompletableFuture<String> got =
                    CompletableFuture.supplyAsync(() -> c.call(COMMANDS.get("mux:missing"), TIMEOUT));
            // a hang check, not a timing: the call ends within its timeout (plus slack) whatever happens
            assertNull(got.get(TIMEOUT.toSeconds() + 20, TimeUnit.SECONDS));
            assertEquals("OK", c.call(COMMANDS.set("mux:missing", "now here"), TIMEOUT));
            assertEquals("now here", c.call(COMMANDS.get("mux:missing"), TIMEOUT));
            assertFalse(c.failed());
        } finally {
            c.close();
        }
    }

    /**
     * After the gateway was closed a call found its shared connection failed and opened a new
     * one, which nothing closes (a pooled call is refused: the pool is closed).
     */
    @Test
    void aClosedGatewayOpensNoSharedConnectionAgain() {
        redis.flushAll();
        FunctionCalls calls = new FunctionCalls(redis.layout());
        RedisGateway gateway = new RedisGateway(StateStoreOptions.of(redis.uri()));
        gateway.fcallReadOnly(calls.get("mux:doc"), "mux:doc");
        gateway.close();
        StateStoreException e =
                assertThrows(StateStoreException.class, () -> gateway.fcallReadOnly(calls.get("mux:doc"), "mux:doc"));
        assertTrue(e.getMessage().contains("closed"), e.getMessage());
    }

    /**
     * A server that accepts connections but does not answer (stopped with SIGSTOP: the kernel
     * still completes the TCP handshake): each caller that found the shared connection failed
     * tried its own new connection in turn under the gateway's lock, each waiting out the
     * timeout of the handshake, so the last of twelve callers waited about twelve timeouts. A
     * caller that waited while another's attempt failed now gets that failure.
     */
    @Test
    void callersDoNotQueueToConnectOneAfterAnotherToAServerThatDoesNotAnswer() throws Exception {
        redis.flushAll();
        FunctionCalls calls = new FunctionCalls(redis.layout());
        Duration timeout = Duration.ofSeconds(1);
        String pid;
        try (Jedis admin = redis.jedis()) {
            pid = admin.info("server")
                    .lines()
                    .filter(l -> l.startsWith("process_id:"))
                    .findFirst()
                    .orElseThrow()
                    .substring("process_id:".length())
                    .trim();
        }
        try (RedisGateway gateway = new RedisGateway(
                StateStoreOptions.builder().uri(redis.uri()).timeout(timeout).build())) {
            gateway.fcallReadOnly(calls.get("mux:doc"), "mux:doc");
            ExecutorService pool = Executors.newFixedThreadPool(12);
            signal("STOP", pid);
            try {
                List<Future<Long>> took = new ArrayList<>();
                for (int t = 0; t < 12; t++) {
                    took.add(pool.submit(() -> {
                        long t0 = System.nanoTime();
                        assertThrows(
                                StateStoreException.class,
                                () -> gateway.fcallReadOnly(calls.get("mux:doc"), "mux:doc"));
                        return (System.nanoTime() - t0) / 1_000_000;
                    }));
                }
                for (Future<Long> f : took) {
                    long ms = f.get(60, TimeUnit.SECONDS);
                    // a hang check: a read is tried twice (reads are retried once), each within its
                    // timeout and one connect; twelve connects one after another take 12 s and more
                    assertTrue(ms < 4 * timeout.toMillis() + 3000, "a call failed only after " + ms + " ms");
                }
            } finally {
                signal("CONT", pid);
                pool.shutdownNow();
            }
            gateway.fcallReadOnly(calls.get("mux:doc"), "mux:doc"); // and it recovers once the server answers
        }
    }

    private static void signal(String signal, String pid) throws Exception {
        Process kill = new ProcessBuilder("kill", "-" + signal, pid).inheritIO().start();
        assertEquals(0, kill.waitFor(), "kill -" + signal + " " + pid);
    }

    /** WAIT for a replica the server does not have: the connection's next reply comes {@code ms} later. */
    private static CommandObject<Long> waitMillis(long ms) {
        return new CommandObject<>(
                new CommandArguments(Protocol.Command.WAIT).add(1).add(ms), BuilderFactory.LONG);
    }

    /**
     * A caller that waited while another read, and got the reader's turn late, read on with the
     * socket's whole timeout and accepted a reply that came after its own deadline. Here B's
     * reply comes after 2 s; A's, sent just after B's, comes 3.9 s after B's, so more than A's
     * 4 s timeout after A sent it (unless A's send was held up over 1.9 s): A must fail. With
     * the fault, A reads until 4 s after its turn (2 s), past its reply (5.9 s), and accepts it.
     * (At 1 s, 1.9 s and 2 s a stall of 0.9 s under load could fail the test: 1.9 s of slack now,
     * and 2 s for B's reply.)
     */
    @Test
    void aCallerGivenTheReadersTurnLateStillGivesUpAtItsOwnDeadline() throws Exception {
        Duration timeout = Duration.ofSeconds(4);
        MultiplexedConnection c = connect(timeout);
        try {
            CompletableFuture<Long> b = CompletableFuture.supplyAsync(() -> c.call(waitMillis(2000), timeout));
            while (!b.isDone() && !readingAFunctionOf(c)) {
                Thread.onSpinWait();
            }
            long t0 = System.nanoTime();
            CompletableFuture<Object> a = CompletableFuture.supplyAsync(() -> {
                try {
                    return c.call(waitMillis(3900), timeout);
                } catch (JedisConnectionException e) {
                    return e;
                }
            });
            Object outcome = a.get(30, TimeUnit.SECONDS);
            long waitedMs = (System.nanoTime() - t0) / 1_000_000;
            assertEquals(0L, b.get(30, TimeUnit.SECONDS), "B's WAIT found no replica and answered in time");
            assertInstanceOf(
                    JedisConnectionException.class,
                    outcome,
                    "A accepted a reply that arrived after its 4 s timeout (waited " + waitedMs + " ms)");
            assertTrue(c.failed(), "a late reply fails the connection");
        } finally {
            c.close();
        }
    }

    /** Whether some caller of {@code c} has written its command (it is waiting for a reply). */
    private static boolean readingAFunctionOf(MultiplexedConnection c) {
        try (Jedis admin = redis.jedis()) {
            return admin.clientList().lines().anyMatch(l -> l.contains("cmd=wait"));
        }
    }

    /**
     * An Error while reading a reply (here a stack overflow in the parser of a deeply nested
     * reply, read by a thread with a small stack; in production an OutOfMemoryError on a large
     * reply) left the rest of that reply in the stream; the next reader parsed it as the next
     * call's reply. The connection must fail instead, and no later call get those bytes.
     */
    @Test
    void anErrorWhileReadingAReplyFailsTheConnectionInsteadOfShiftingTheReplies() throws Exception {
        redis.flushAll();
        try (Jedis admin = redis.jedis()) {
            admin.set("mux:k", "its own value");
        }
        MultiplexedConnection c = connect(TIMEOUT);
        try {
            CommandObject<Object> nested = new CommandObject<>(
                    new CommandArguments(Protocol.Command.EVAL)
                            .add("local t = {1} for i = 1, 3000 do t = {t} end return t")
                            .add(0),
                    BuilderFactory.RAW_OBJECT);
            AtomicReference<Throwable> thrown = new AtomicReference<>();
            Thread small = new Thread(
                    null,
                    () -> {
                        try {
                            c.call(nested, TIMEOUT);
                        } catch (Throwable t) {
                            thrown.set(t);
                        }
                    },
                    "small-stack-reader",
                    160 * 1024);
            small.start();
            small.join(30_000);
            assertInstanceOf(StackOverflowError.class, thrown.get(), "the reader's stack was meant to overflow");
            // where the parser stopped is unknown: the bytes after it may parse as a reply (the
            // next call's, wrongly) or as nonsense, so the connection must have failed already
            assertTrue(c.failed(), "a reply half read is the end of the connection");
            Object next;
            try {
                next = c.call(COMMANDS.get("mux:k"), TIMEOUT);
            } catch (JedisConnectionException | ClassCastException e) {
                next = e;
            }
            assertInstanceOf(MultiplexedConnection.NotSent.class, next, "a call after the Error got " + next);
        } finally {
            c.close();
        }
    }

    /**
     * Sixteen threads of mixed calls (SET then GET of unique values, INCR of counters, error
     * replies, 1 MB replies) while the server kills the connection now and then: every reply a
     * caller gets is its own call's, every acknowledged increment is applied, and no call that
     * failed "not sent" was applied.
     */
    @Test
    void sixteenThreadsOfMixedCallsWhileTheServerKillsTheConnectionEachGetOnlyTheirOwnReplies() throws Exception {
        soak(Fault.CLIENT_KILL);
    }

    /**
     * As above, but the connection is closed by this process (what a Sentinel switch or the
     * store's close does), from a thread that is neither the sender nor the reader.
     */
    @Test
    void sixteenThreadsOfMixedCallsWhileAnotherThreadClosesTheConnectionEachGetOnlyTheirOwnReplies() throws Exception {
        soak(Fault.CLOSE);
    }

    private enum Fault {
        CLIENT_KILL,
        CLOSE
    }

    private void soak(Fault fault) throws Exception {
        redis.flushAll();
        String big = "b".repeat(1 << 20);
        try (Jedis admin = redis.jedis()) {
            admin.set("mux:big", big);
            admin.set("mux:notanumber", "x");
            for (int t = 0; t < 16; t++) {
                admin.set("mux:value:" + t, t + ":-1"); // no nil GETs: aNilReplyReachesItsCaller has those
            }
        }
        Shared shared = new Shared();
        AtomicBoolean stop = new AtomicBoolean();
        ExecutorService pool = Executors.newFixedThreadPool(17);
        try {
            Future<Integer> faults = pool.submit(() -> {
                int n = 0;
                try (Jedis admin = redis.jedis()) {
                    while (!stop.get()) {
                        Thread.sleep(ThreadLocalRandom.current().nextInt(5, 40));
                        if (fault == Fault.CLIENT_KILL) {
                            admin.clientKill(ClientKillParams.clientKillParams()
                                    .type(ClientType.NORMAL)
                                    .skipMe(ClientKillParams.SkipMe.YES));
                        } else {
                            shared.current().close();
                        }
                        n++;
                    }
                }
                return n;
            });
            List<Future<Tally>> workers = new ArrayList<>();
            for (int t = 0; t < 16; t++) {
                int thread = t;
                workers.add(pool.submit(() -> work(thread, shared, big)));
            }
            List<Tally> tallies = new ArrayList<>();
            for (Future<Tally> w : workers) {
                try {
                    tallies.add(w.get(60, TimeUnit.SECONDS));
                } catch (java.util.concurrent.TimeoutException e) {
                    StringBuilder d = new StringBuilder();
                    for (int t = 0; t < 16; t++) {
                        d.append("thread ")
                                .append(t)
                                .append(" at call ")
                                .append(PROGRESS[t])
                                .append('\n');
                    }
                    fail("a worker is stranded:\n" + d + threadDump());
                }
            }
            stop.set(true);
            int faultCount = faults.get(30, TimeUnit.SECONDS);
            long failures = 0;
            try (Jedis admin = redis.jedis()) {
                for (int t = 0; t < 16; t++) {
                    Tally tally = tallies.get(t);
                    failures += tally.unknown + tally.notSent;
                    String v = admin.get("mux:counter:" + t);
                    long applied = v == null ? 0 : Long.parseLong(v);
                    assertTrue(
                            applied >= tally.acknowledged && applied <= tally.acknowledged + tally.unknown,
                            "thread " + t + ": " + applied + " increments applied, " + tally.acknowledged
                                    + " acknowledged, " + tally.unknown + " of unknown outcome, " + tally.notSent
                                    + " not sent");
                }
            }
            assertTrue(faultCount > 0 && failures > 0, "the faults failed no call: " + faultCount + " faults");
        } finally {
            stop.set(true);
            pool.shutdownNow();
            pool.awaitTermination(30, TimeUnit.SECONDS);
            shared.current().close();
        }
    }

    /** The shared connection of the soak, replaced when it failed (as SharedConnection.current does). */
    private static final class Shared {
        private MultiplexedConnection connection = connect(TIMEOUT);

        synchronized MultiplexedConnection current() {
            if (connection.failed()) {
                connection = connect(TIMEOUT);
            }
            return connection;
        }
    }

    /** One thread's increments: answered, failed with the outcome unknown, failed not sent. */
    private static final class Tally {
        long acknowledged;
        long unknown;
        long notSent;
    }

    /** Each soak thread's call number, to show where one is stranded. */
    private static final int[] PROGRESS = new int[16];

    private static Tally work(int thread, Shared shared, String big) {
        Tally tally = new Tally();
        String key = "mux:value:" + thread;
        String counter = "mux:counter:" + thread;
        long lastAcknowledgedSet = -1; // a GET may see any SET from here on that was sent
        long lastCounter = 0;
        ThreadLocalRandom random = ThreadLocalRandom.current();
        for (int i = 0; i < 1000; i++) {
            PROGRESS[thread] = i;
            int kind = random.nextInt(20);
            try {
                MultiplexedConnection c = shared.current(); // a new connection may be killed at once too
                if (kind < 8) {
                    Object ok = c.call(COMMANDS.set(key, thread + ":" + i), TIMEOUT);
                    assertEquals("OK", ok, "thread " + thread + " SET got another call's reply");
                    lastAcknowledgedSet = i;
                } else if (kind < 14) {
                    String got = c.call(COMMANDS.get(key), TIMEOUT);
                    assertTrue(
                            got != null && got.startsWith(thread + ":"),
                            "thread " + thread + " GET got another call's reply: " + abbreviated(got));
                    long index = Long.parseLong(got.substring(got.indexOf(':') + 1));
                    assertTrue(
                            index >= lastAcknowledgedSet && index < i,
                            "thread " + thread + " GET got " + got + " after SET " + lastAcknowledgedSet);
                } else if (kind < 18) {
                    long n;
                    try {
                        n = c.call(COMMANDS.incr(counter), TIMEOUT);
                    } catch (MultiplexedConnection.NotSent e) {
                        tally.notSent++;
                        continue;
                    } catch (JedisConnectionException e) {
                        tally.unknown++;
                        continue;
                    }
                    tally.acknowledged++;
                    assertTrue(n > lastCounter, "thread " + thread + " INCR got " + n + " after " + lastCounter);
                    lastCounter = n;
                } else if (kind < 19) {
                    try {
                        Long n = c.call(COMMANDS.incr("mux:notanumber"), TIMEOUT);
                        fail("thread " + thread + " INCR of a string got another call's reply: " + n);
                    } catch (JedisDataException e) {
                        assertTrue(e.getMessage().contains("not an integer"), e.getMessage());
                    }
                } else {
                    String got = c.call(COMMANDS.get("mux:big"), TIMEOUT);
                    assertEquals(big.length(), got == null ? -1 : got.length(), "a 1 MB GET got another reply");
                }
            } catch (JedisConnectionException e) {
                // the connection failed under this call: the next call goes to a new one
            } catch (JedisException | ClassCastException e) {
                fail("thread " + thread + ": " + e, e);
            }
        }
        return tally;
    }

    private static String threadDump() {
        StringBuilder out = new StringBuilder();
        Thread.getAllStackTraces().forEach((t, stack) -> {
            if (t.getName().startsWith("pool-")) {
                out.append(t.getName()).append(' ').append(t.getState()).append('\n');
                for (StackTraceElement e : stack) {
                    out.append("    at ").append(e).append('\n');
                }
            }
        });
        return out.toString();
    }

    private static String abbreviated(String s) {
        return s == null || s.length() < 60 ? s : s.substring(0, 60) + "... (" + s.length() + " chars)";
    }
}
