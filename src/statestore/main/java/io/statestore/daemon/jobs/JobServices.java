package io.statestore.daemon.jobs;

import io.statestore.daemon.backup.BackupService;
import io.statestore.daemon.config.DaemonConfig;
import io.statestore.daemon.lease.JobLeases;
import io.statestore.daemon.series.SeriesSampler;
import io.statestore.daemon.status.Metrics;
import io.statestore.daemon.status.StatusStore;
import io.statestore.daemon.sweep.RetentionSweeper;
import io.statestore.daemon.trim.EventTrimmer;
import io.statestore.daemon.trim.StreamTrimmer;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;

/** What jobs need, handed to them by {@link DaemonJobFactory} (never through statics). */
public record JobServices(
        DaemonConfig config,
        JobLeases leases,
        StatusStore status,
        Metrics metrics,
        RetentionSweeper sweeper,
        StreamTrimmer trimmer,
        EventTrimmer eventTrimmer,
        BackupService backups,
        Queue<String> executedRuns,
        SeriesSampler series) {
    /** {@code eventTrimmer} may be null: no event-bus trimming. */
    public JobServices(
            DaemonConfig config,
            JobLeases leases,
            StatusStore status,
            Metrics metrics,
            RetentionSweeper sweeper,
            StreamTrimmer trimmer,
            EventTrimmer eventTrimmer,
            BackupService backups) {
        this(
                config,
                leases,
                status,
                metrics,
                sweeper,
                trimmer,
                eventTrimmer,
                backups,
                new ConcurrentLinkedQueue<>(),
                null);
    }

    /** The same with time-series sampling ({@code series} null: none). */
    public JobServices(
            DaemonConfig config,
            JobLeases leases,
            StatusStore status,
            Metrics metrics,
            RetentionSweeper sweeper,
            StreamTrimmer trimmer,
            EventTrimmer eventTrimmer,
            BackupService backups,
            SeriesSampler series) {
        this(
                config,
                leases,
                status,
                metrics,
                sweeper,
                trimmer,
                eventTrimmer,
                backups,
                new ConcurrentLinkedQueue<>(),
                series);
    }
}
