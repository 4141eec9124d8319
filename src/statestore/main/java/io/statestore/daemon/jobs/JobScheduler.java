package io.statestore.daemon.jobs;

import io.statestore.daemon.config.DaemonConfig;
import java.time.Duration;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicBoolean;
import org.quartz.CronScheduleBuilder;
import org.quartz.JobBuilder;
import org.quartz.Scheduler;
import org.quartz.SchedulerException;
import org.quartz.TriggerBuilder;
import org.quartz.impl.StdSchedulerFactory;
import org.quartz.impl.matchers.GroupMatcher;

/** The Quartz scheduler, built from explicit Properties (RAM job store, no statics). */
public final class JobScheduler implements AutoCloseable {
    /**
     * Key of the flag in the scheduler's context that {@link #stop} sets before it waits for the
     * running jobs; {@link LeasedJob} reads it (JobScheduler.stopping).
     */
    static final String STOPPING = "statestore.stopping";

    private final Scheduler scheduler;
    private final AtomicBoolean stopping = new AtomicBoolean();

    public JobScheduler(DaemonConfig config, JobServices services) throws SchedulerException {
        Properties p = new Properties();
        // Quartz keeps schedulers in a static repository by name: a unique name per instance keeps
        // daemons in one JVM (tests) apart.
        p.setProperty(
                "org.quartz.scheduler.instanceName",
                "statestore-" + config.daemon().id().replaceAll("[^A-Za-z0-9_-]", "_") + "-"
                        + java.util.UUID.randomUUID().toString().substring(0, 8));
        p.setProperty("org.quartz.scheduler.instanceId", "NON_CLUSTERED");
        p.setProperty("org.quartz.scheduler.skipUpdateCheck", "true");
        p.setProperty("org.quartz.threadPool.class", "org.quartz.simpl.SimpleThreadPool");
        p.setProperty("org.quartz.threadPool.threadCount", "3");
        p.setProperty("org.quartz.threadPool.makeThreadsDaemons", "true");
        p.setProperty("org.quartz.jobStore.class", "org.quartz.simpl.RAMJobStore");
        p.setProperty("org.quartz.jobStore.misfireThreshold", "60000");
        StdSchedulerFactory factory = new StdSchedulerFactory(p);
        scheduler = factory.getScheduler();
        scheduler.getContext().put(STOPPING, stopping);
        scheduler.setJobFactory(new DaemonJobFactory(services));
        if (config.sweep().enabled()) {
            schedule(SweepJob.class, "sweep", config.sweep().schedule());
        }
        if (config.trim().enabled()) {
            schedule(TrimJob.class, "trim", config.trim().schedule());
        }
        if (config.backup().enabled()) {
            schedule(BackupJob.class, "backup", config.backup().schedule());
        }
        if (config.seriesStore().enabled() && services.series() != null) {
            schedule(SeriesJob.class, "series", config.seriesStore().schedule());
        }
    }

    private void schedule(Class<? extends LeasedJob> type, String name, String cron) throws SchedulerException {
        scheduler.scheduleJob(
                JobBuilder.newJob(type).withIdentity(name).build(),
                TriggerBuilder.newTrigger()
                        .withIdentity(name)
                        .withSchedule(CronScheduleBuilder.cronSchedule(cron).withMisfireHandlingInstructionDoNothing())
                        .build());
    }

    public void start() throws SchedulerException {
        scheduler.start();
    }

    /** Stops firing new runs; returns true when running jobs ended within {@code wait}. */
    public boolean stop(Duration wait) throws InterruptedException {
        // Quartz lists a fired run as executing only once its thread starts it, so the wait below
        // can miss one fired a moment ago; that run sees the flag and does nothing (LeasedJob),
        // instead of taking a lease after the daemon released its leases and closed Redis.
        stopping.set(true);
        try {
            scheduler.standby();
            long deadline = System.nanoTime() + wait.toNanos();
            while (!scheduler.getCurrentlyExecutingJobs().isEmpty()) {
                if (System.nanoTime() > deadline) {
                    return false;
                }
                Thread.sleep(20);
            }
            return true;
        } catch (SchedulerException e) {
            return false;
        }
    }

    /** Whether the daemon is stopping: a run that starts now must not begin (its scheduler's context). */
    static boolean stopping(org.quartz.JobExecutionContext ctx) {
        try {
            Object flag = ctx.getScheduler().getContext().get(STOPPING);
            return flag instanceof AtomicBoolean b && b.get();
        } catch (SchedulerException e) {
            return true; // the scheduler is gone: so is the daemon
        }
    }

    /** The Quartz scheduler itself, for reading the jobs' triggers (the dashboard's Daemon page). */
    public Scheduler quartz() {
        return scheduler;
    }

    /**
     * Quartz's figures on /metrics: jobs scheduled, runs executing now, and the scheduler's
     * thread pool size (a run waits for a free thread when every one is busy).
     */
    public void register(io.statestore.daemon.status.Metrics metrics) {
        metrics.gauge("statestore_scheduler_jobs", "Jobs the daemon's Quartz scheduler has scheduled", () -> {
            try {
                return jobCount();
            } catch (SchedulerException e) {
                return Double.NaN;
            }
        });
        metrics.gauge("statestore_scheduler_running", "Job runs executing now", () -> {
            try {
                return scheduler.getCurrentlyExecutingJobs().size();
            } catch (SchedulerException e) {
                return Double.NaN;
            }
        });
        metrics.gauge("statestore_scheduler_threads", "Threads of the scheduler's pool", () -> {
            try {
                return scheduler.getMetaData().getThreadPoolSize();
            } catch (SchedulerException e) {
                return Double.NaN;
            }
        });
    }

    public int jobCount() throws SchedulerException {
        return scheduler.getJobKeys(GroupMatcher.anyJobGroup()).size();
    }

    @Override
    public void close() {
        try {
            scheduler.shutdown(false);
        } catch (SchedulerException ignored) {
            // already shut down
        }
    }
}
