package io.statestore.daemon.jobs;

import io.statestore.daemon.lease.LeaseRenewer;
import java.time.Duration;
import java.util.Map;
import org.quartz.DisallowConcurrentExecution;
import org.quartz.Job;
import org.quartz.JobExecutionContext;
import org.quartz.JobExecutionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A scheduled job that runs only under its Redis lease, so that across daemons each scheduled
 * run executes once; the lease is renewed while the job runs and released when it ends. The
 * outcome goes to the status hash and the metrics; a run that loses its lease says so
 * ({@link LeaseRenewer}).
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
        String label = "job=\"" + name() + "\"";
        LeaseRenewer renewer = new LeaseRenewer(services.leases(), name(), () -> {
            LOG.warn(
                    "{}: this run lost its lease (Redis away, or this daemon paused, for longer than the lease's {});"
                            + " another daemon may run the job at the same time",
                    name(),
                    services.leases().ttl());
            services.metrics().increment("statestore_job_leases_lost_total", label);
        });
        long t0 = System.nanoTime();
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
            renewer.close();
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
