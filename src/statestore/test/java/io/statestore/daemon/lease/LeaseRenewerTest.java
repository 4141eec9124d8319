package io.statestore.daemon.lease;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.statestore.client.StateStoreOptions;
import io.statestore.daemon.redis.RedisAdmin;
import io.statestore.testing.RedisServerExtension;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.slf4j.LoggerFactory;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.args.ClientPauseMode;

/**
 * A running job's lease against a real server: renewed while it is the daemon's, and a renewal
 * that finds it gone or another daemon's is reported once and never takes it back.
 */
class LeaseRenewerTest {
    @RegisterExtension
    static RedisServerExtension redis = RedisServerExtension.portable();

    private static final String KEY = "lr:lease:backup";
    /** Renewed every 100 ms. */
    private static final Duration TTL = Duration.ofMillis(300);

    private RedisAdmin admin;
    private JobLeases leases;
    private final AtomicInteger lostCalls = new AtomicInteger();

    @BeforeEach
    void open() {
        redis.flushAll();
        admin = new RedisAdmin(StateStoreOptions.of(redis.uri()));
        leases = new JobLeases(admin, "lr:", "daemon-a", TTL);
        assertTrue(leases.tryAcquire("backup", 1));
    }

    @AfterEach
    void close() {
        admin.close();
    }

    /**
     * Its own lease of 1.5 s, renewed every 500 ms: 1 s of slack for a late renewal. With the
     * 300 ms lease of the other tests a stall of 200 ms (GC, load 10+) anywhere from the
     * acquisition on lost it, a false failure; the tests of a lost lease do not care.
     */
    @Test
    void aHeldLeaseOutlivesManyOfItsTimesToLive() throws Exception {
        Duration held = Duration.ofMillis(1500);
        JobLeases longer = new JobLeases(admin, "lr:", "daemon-a", held);
        try (Jedis j = redis.jedis()) {
            j.del(KEY); // the 300 ms lease taken before the test
        }
        assertTrue(longer.tryAcquire("backup", 2));
        try (LeaseRenewer renewer = new LeaseRenewer(longer, "backup", lostCalls::incrementAndGet)) {
            Thread.sleep(held.toMillis() * 5);
            try (Jedis j = redis.jedis()) {
                assertEquals("daemon-a", j.get(KEY), "the lease expired although it was renewed");
            }
            assertFalse(renewer.lost());
        }
        assertEquals(0, lostCalls.get());
    }

    /**
     * daemon.leaseTtl takes any positive duration ("100ms" is valid config). Renewals came no
     * oftener than every 100 ms, so a lease of 100 ms or less expired before each renewal and
     * every run longer than it was reported lost (and was no longer exclusive). The schedule is
     * checked, not a 100 ms lease kept in real time: that leaves ~67 ms of slack, which a GC
     * pause or a loaded CI machine can take (the 300 ms leases here keep 200 ms).
     */
    @Test
    void aLeaseIsRenewedEveryThirdOfItsTimeToLiveHoweverShort() {
        assertEquals(33, LeaseRenewer.renewalPeriodMillis(Duration.ofMillis(100)));
        assertEquals(1, LeaseRenewer.renewalPeriodMillis(Duration.ofMillis(3)));
        assertEquals(1, LeaseRenewer.renewalPeriodMillis(Duration.ofMillis(1)));
        assertEquals(20_000, LeaseRenewer.renewalPeriodMillis(Duration.ofSeconds(60)));
    }

    /** An onLost that throws is reported as such, once, and not as a failed renewal. */
    @Test
    void aFailingLostReportIsLoggedAsItselfAndRenewingStops() throws Exception {
        Logger logger = (Logger) LoggerFactory.getLogger(LeaseRenewer.class);
        ListAppender<ILoggingEvent> logged = new ListAppender<>();
        logged.start();
        logger.addAppender(logged);
        try (LeaseRenewer renewer = new LeaseRenewer(leases, "backup", () -> {
            lostCalls.incrementAndGet();
            throw new IllegalStateException("metrics registry closed");
        })) {
            try (Jedis j = redis.jedis()) {
                j.set(KEY, "daemon-b");
                awaitLost(renewer);
                Thread.sleep(TTL.toMillis() * 2);
            }
        } finally {
            logger.detachAppender(logged);
        }
        assertEquals(1, lostCalls.get());
        List<String> messages =
                logged.list.stream().map(ILoggingEvent::getFormattedMessage).toList();
        assertEquals(List.of("backup: reporting the lost lease failed"), messages);
        assertEquals(Level.ERROR, logged.list.get(0).getLevel());
    }

    @Test
    void aLeaseTakenByAnotherDaemonIsReportedOnceAndLeftToIt() throws Exception {
        try (LeaseRenewer renewer = new LeaseRenewer(leases, "backup", lostCalls::incrementAndGet)) {
            try (Jedis j = redis.jedis()) {
                j.set(KEY, "daemon-b"); // as if ours had expired and daemon-b took the next run
                awaitLost(renewer);
                Thread.sleep(TTL.toMillis() * 2); // more renewal periods: no second report, no renewal
                assertEquals("daemon-b", j.get(KEY));
                assertTrue(j.pttl(KEY) < 0, "daemon-b's lease was given our time to live");
            }
        }
        assertEquals(1, lostCalls.get());
    }

    @Test
    void aLeaseThatExpiredIsReportedAndNotTakenAgain() throws Exception {
        try (LeaseRenewer renewer = new LeaseRenewer(leases, "backup", lostCalls::incrementAndGet)) {
            try (Jedis j = redis.jedis()) {
                j.del(KEY);
                awaitLost(renewer);
                Thread.sleep(TTL.toMillis() * 2);
                assertNull(j.get(KEY), "the renewer took the lease again");
            }
        }
        assertEquals(1, lostCalls.get());
    }

    /**
     * A renewal still in flight when the run ends may reach Redis after the run released its
     * lease and find it gone: that is no loss to report. Here the server holds the renewal back
     * (CLIENT PAUSE WRITE: the renew script is a write) until after close(), and the lease has
     * expired by the time it runs.
     */
    @Test
    void aRenewalAnsweredAfterCloseReportsNothing() throws Exception {
        LeaseRenewer renewer = new LeaseRenewer(leases, "backup", lostCalls::incrementAndGet);
        try (Jedis j = redis.jedis()) {
            j.clientPause(TTL.toMillis() * 3, ClientPauseMode.WRITE);
            Thread.sleep(TTL.toMillis() * 2 / 3); // a renewal (every 100 ms) is now held by the pause
            renewer.close();
            Thread.sleep(TTL.toMillis() * 3); // the pause ends, the held renewal finds the lease expired
            assertNull(j.get(KEY), "the lease did not expire during the pause");
        }
        assertEquals(0, lostCalls.get(), "a renewal answered after close() reported the lease lost");
    }

    private static void awaitLost(LeaseRenewer renewer) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (!renewer.lost()) {
            assertTrue(System.nanoTime() < deadline, "the lost lease was not noticed");
            Thread.sleep(10);
        }
    }
}
