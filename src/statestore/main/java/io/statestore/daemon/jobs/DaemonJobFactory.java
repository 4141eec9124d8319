package io.statestore.daemon.jobs;

import org.quartz.Job;
import org.quartz.Scheduler;
import org.quartz.SchedulerException;
import org.quartz.spi.JobFactory;
import org.quartz.spi.TriggerFiredBundle;

/** Creates each job with its dependencies through its {@code (JobServices)} constructor. */
public final class DaemonJobFactory implements JobFactory {
    private final JobServices services;

    public DaemonJobFactory(JobServices services) {
        this.services = services;
    }

    @Override
    public Job newJob(TriggerFiredBundle bundle, Scheduler scheduler) throws SchedulerException {
        Class<? extends Job> type = bundle.getJobDetail().getJobClass();
        try {
            return type.getConstructor(JobServices.class).newInstance(services);
        } catch (ReflectiveOperationException e) {
            throw new SchedulerException("cannot create job " + type.getName(), e);
        }
    }
}
