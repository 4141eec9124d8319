package io.statestore.daemon.lease;

import io.statestore.client.spi.RedisFailures;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps a running job's lease: renews it every third of its time to live, and when a renewal
 * answers that the lease is no longer this daemon's (Redis was away, or this daemon paused, for
 * longer than the lease, and another daemon may have taken the job's next run), stops renewing
 * and calls {@code onLost} once. The run goes on (a job's work is idempotent: sweeps, trims,
 * backups) but is no longer exclusive, which is what the operator must hear.
 */
public final class LeaseRenewer implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(LeaseRenewer.class);
    private final JobLeases leases;
    private final String job;
    private final Runnable onLost;
    private final ScheduledExecutorService timer;
    private volatile boolean lost;
    /** Set by close(), before the job releases its lease: a renewal answered after that says nothing. */
    private volatile boolean closed;

    public LeaseRenewer(JobLeases leases, String job, Runnable onLost) {
        this.leases = leases;
        this.job = job;
        this.onLost = onLost;
        this.timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "lease-renew-" + job);
            t.setDaemon(true);
            return t;
        });
        long every = renewalPeriodMillis(leases.ttl());
        timer.scheduleAtFixedRate(this::renew, every, every, TimeUnit.MILLISECONDS);
    }

    /**
     * A third of the lease however short it is: a floor above a third (it was 100 ms) let a lease
     * of 100 ms or less (valid config) expire before each renewal.
     */
    static long renewalPeriodMillis(java.time.Duration ttl) {
        return Math.max(1, ttl.toMillis() / 3);
    }

    private void renew() {
        if (lost) {
            return;
        }
        boolean held;
        try {
            held = leases.renew(job);
        } catch (RuntimeException e) {
            // Redis away for now: the lease is still ours until it expires; the next renewal tells
            LOG.warn("{}: renewing the lease failed: {}", job, RedisFailures.describe(e));
            LOG.debug("{}: lease renewal failure", job, e);
            return;
        }
        if (!held && !closed) {
            // (a renewal in flight when the run ended may reach Redis after the release and
            // find the lease gone: that is the run's own release, not a loss)
            lost = true;
            timer.shutdown();
            try {
                onLost.run();
            } catch (RuntimeException e) {
                // not a renewal failure: the lease is lost either way, and renewing has stopped
                LOG.error("{}: reporting the lost lease failed", job, e);
            }
        }
    }

    /** Whether a renewal found the lease gone or another daemon's. */
    public boolean lost() {
        return lost;
    }

    /** Stops renewing; call it before releasing the lease. */
    @Override
    public void close() {
        closed = true;
        timer.shutdownNow();
    }
}
