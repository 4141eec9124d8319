package io.statestore.daemon.web.daemon;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.quartz.CronTrigger;
import org.quartz.JobExecutionContext;
import org.quartz.JobKey;
import org.quartz.Scheduler;
import org.quartz.SchedulerException;
import org.quartz.Trigger;
import org.quartz.impl.matchers.GroupMatcher;

/**
 * Each Quartz job of this daemon, joined with what the status hash says of its last run
 * ({@code <job>_time}, {@code _result}, {@code _duration_ms}, {@code _daemon}, {@code _error},
 * and the job's own figures as further {@code <job>_*} fields, see {@code StatusStore.recordJob}).
 */
final class JobFacts {
    private static final List<String> RUN_FIELDS = List.of("time", "result", "duration_ms", "daemon", "error");

    private JobFacts() {}

    static List<DaemonViews.Job> read(Scheduler scheduler, Map<String, String> status) throws SchedulerException {
        List<String> running = new ArrayList<>();
        for (JobExecutionContext c : scheduler.getCurrentlyExecutingJobs()) {
            running.add(c.getJobDetail().getKey().getName());
        }
        List<DaemonViews.Job> out = new ArrayList<>();
        for (JobKey key : scheduler.getJobKeys(GroupMatcher.anyJobGroup())) {
            String name = key.getName();
            Date next = null;
            Date previous = null;
            String schedule = null;
            for (Trigger t : scheduler.getTriggersOfJob(key)) {
                next = earlier(next, t.getNextFireTime());
                previous = later(previous, t.getPreviousFireTime());
                if (t instanceof CronTrigger cron) {
                    schedule = cron.getCronExpression();
                }
            }
            String p = name + "_";
            Map<String, String> figures = new TreeMap<>();
            status.forEach((k, v) -> {
                if (k.startsWith(p) && !RUN_FIELDS.contains(k.substring(p.length()))) {
                    figures.put(k.substring(p.length()), v);
                }
            });
            String duration = status.get(p + "duration_ms");
            out.add(new DaemonViews.Job(
                    name,
                    schedule,
                    running.contains(name),
                    status.get(p + "time"),
                    status.get(p + "result"),
                    status.get(p + "error"),
                    millis(duration),
                    status.get(p + "daemon"),
                    figures,
                    previous == null ? null : previous.getTime(),
                    next == null ? null : next.getTime()));
        }
        out.sort(Comparator.comparing(DaemonViews.Job::name));
        return out;
    }

    private static Long millis(String text) {
        try {
            return text == null ? null : Long.valueOf(text);
        } catch (NumberFormatException e) {
            return null; // written by something else than StatusStore
        }
    }

    private static Date earlier(Date a, Date b) {
        return a == null ? b : b == null || a.before(b) ? a : b;
    }

    private static Date later(Date a, Date b) {
        return a == null ? b : b == null || a.after(b) ? a : b;
    }
}
