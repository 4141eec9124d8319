package io.statestore.daemon.lease;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.statestore.client.StateStoreOptions;
import io.statestore.daemon.redis.RedisAdmin;
import io.statestore.testing.RedisServerExtension;
import java.time.Duration;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import redis.clients.jedis.Jedis;

/** Renew and release of a job lease against a real server: only the holder extends, nothing else changes it. */
class JobLeasesTest {
    @RegisterExtension
    static RedisServerExtension redis = RedisServerExtension.portable();

    private static final String KEY = "jl:lease:sweep";
    /** Far below the lease time, so a renewed lease is told apart from a shortened one with margin to spare. */
    private static final long SHORTENED_MS = 5_000;

    private RedisAdmin admin;
    private JobLeases a;
    private JobLeases b;

    @BeforeEach
    void open() {
        redis.flushAll();
        admin = new RedisAdmin(StateStoreOptions.of(redis.uri()));
        a = new JobLeases(admin, "jl:", "daemon-a", Duration.ofMinutes(10));
        b = new JobLeases(admin, "jl:", "daemon-b", Duration.ofMinutes(10));
    }

    @AfterEach
    void close() {
        admin.close();
    }

    @Test
    void renewByTheHolderExtendsTheLeaseAndKeepsIt() {
        assertTrue(a.tryAcquire("sweep", 1));
        try (Jedis j = redis.jedis()) {
            j.pexpire(KEY, SHORTENED_MS);
            assertTrue(a.renew("sweep"));
            assertEquals("daemon-a", j.get(KEY), "renew must not release the lease");
            assertTrue(j.pttl(KEY) > SHORTENED_MS, "renew did not extend the lease: pttl " + j.pttl(KEY));
        }
        assertEquals(Set.of("sweep"), a.held());
    }

    @Test
    void renewByAnotherDaemonFailsAndChangesNothing() {
        assertTrue(a.tryAcquire("sweep", 1));
        try (Jedis j = redis.jedis()) {
            j.pexpire(KEY, SHORTENED_MS);
            assertFalse(b.renew("sweep"));
            assertEquals("daemon-a", j.get(KEY));
            assertTrue(j.pttl(KEY) <= SHORTENED_MS, "a non-holder extended the lease: pttl " + j.pttl(KEY));
        }
    }

    @Test
    void renewOfALeaseThatIsGoneDoesNotTakeItAgain() {
        assertTrue(a.tryAcquire("sweep", 1));
        try (Jedis j = redis.jedis()) {
            j.del(KEY);
            assertFalse(a.renew("sweep"));
            assertFalse(j.exists(KEY));
        }
    }

    @Test
    void releaseDropsOnlyTheHoldersLease() {
        assertTrue(a.tryAcquire("sweep", 1));
        b.release("sweep");
        try (Jedis j = redis.jedis()) {
            assertEquals("daemon-a", j.get(KEY), "a non-holder released the lease");
            a.release("sweep");
            assertFalse(j.exists(KEY));
        }
        assertTrue(a.held().isEmpty());
    }
}
