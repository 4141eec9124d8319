package io.statestore.daemon.jobs;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.quartz.DisallowConcurrentExecution;
import org.quartz.Job;
import org.quartz.JobExecutionContext;
import org.quartz.JobExecutionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A scheduled job that runs only under its Redis lease, so that across daemons each scheduled
 * run executes once; the lease is renewed while the job runs and released when it ends. The
 * outcome goes to the status hash and the metrics.
 */
@DisallowConcurrentExecution
public abstract class LeasedJob implements Job {
    private static final Logger LOG = LoggerFactory.getLogger(LeasedJob.class);
    protected final JobServices services;

    protected LeasedJob(JobServices services) {
        this.services = services;
    }

    /** The job's name: lease key, status fields, metric label. */
    protected abstract String name();

    /** Does the work and returns the figures to record. */
    protected abstract Map<String, ?> work() throws Exception;

    @Override
    public final void execute(JobExecutionContext ctx) throws JobExecutionException {
        long fireTime = ctx.getScheduledFireTime().getTime();
        if (JobScheduler.stopping(ctx)) {
            LOG.debug("{}: run at {} not begun: the daemon is stopping", name(), fireTime);
            return;
        }
        boolean mine;
        try {
            mine = services.leases().tryAcquire(name(), fireTime);
        } catch (RuntimeException e) {
            LOG.warn(
                    "{}: cannot take the lease ({}); skipping this run",
                    name(),
                    io.statestore.client.spi.RedisFailures.describe(e));
            LOG.debug("{}: lease failure", name(), e);
            services.metrics().increment("statestore_job_failures_total", "job=\"" + name() + "\"");
            return;
        }
        if (!mine) {
            LOG.debug("{}: run at {} is held by another daemon", name(), fireTime);
            return;
        }
        services.executedRuns().add(name() + "@" + fireTime);
        ScheduledExecutorService renewer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "lease-renew-" + name());
            t.setDaemon(true);
            return t;
        });
        long every = Math.max(100, services.leases().ttl().toMillis() / 3);
        renewer.scheduleAtFixedRate(
                () -> {
                    try {
                        services.leases().renew(name());
                    } catch (RuntimeException e) {
                        LOG.warn(
                                "{}: renewing the lease failed: {}",
                                name(),
                                io.statestore.client.spi.RedisFailures.describe(e));
                        LOG.debug("{}: lease renewal failure", name(), e);
                    }
                },
                every,
                every,
                TimeUnit.MILLISECONDS);
        long t0 = System.nanoTime();
        String label = "job=\"" + name() + "\"";
        try {
            Map<String, ?> figures = work();
            services.metrics().increment("statestore_job_runs_total", label);
            services.status().recordJob(name(), true, Duration.ofNanos(System.nanoTime() - t0), figures);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            fail(label, t0, "interrupted");
        } catch (Exception e) {
            LOG.error("{} failed: {}", name(), io.statestore.client.spi.RedisFailures.describe(e));
            LOG.debug("{} failure", name(), e);
            fail(label, t0, io.statestore.client.spi.RedisFailures.describe(e));
        } finally {
            renewer.shutdownNow();
            try {
                services.leases().release(name());
            } catch (RuntimeException e) {
                LOG.warn(
                        "{}: releasing the lease failed ({}); it expires on its own",
                        name(),
                        io.statestore.client.spi.RedisFailures.describe(e));
            }
        }
    }

    private void fail(String label, long t0, String error) {
        services.metrics().increment("statestore_job_runs_total", label);
        services.metrics().increment("statestore_job_failures_total", label);
        try {
            services.status()
                    .recordJob(
                            name(),
                            false,
                            Duration.ofNanos(System.nanoTime() - t0),
                            Map.of("error", String.valueOf(error)));
        } catch (RuntimeException e) {
            LOG.warn(
                    "cannot record {} failure in the status hash: {}",
                    name(),
                    io.statestore.client.spi.RedisFailures.describe(e));
        }
    }
}
