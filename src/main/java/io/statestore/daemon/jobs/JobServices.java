package io.statestore.daemon.jobs;

import io.statestore.daemon.backup.BackupService;
import io.statestore.daemon.config.DaemonConfig;
import io.statestore.daemon.lease.JobLeases;
import io.statestore.daemon.status.Metrics;
import io.statestore.daemon.status.StatusStore;
import io.statestore.daemon.sweep.RetentionSweeper;
import io.statestore.daemon.trim.StreamTrimmer;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;

/** What jobs need, handed to them by {@link DaemonJobFactory} (never through statics). */
public record JobServices(DaemonConfig config, JobLeases leases, StatusStore status, Metrics metrics,
                          RetentionSweeper sweeper, StreamTrimmer trimmer, BackupService backups,
                          Queue<String> executedRuns) {
    public JobServices(DaemonConfig config, JobLeases leases, StatusStore status, Metrics metrics,
                       RetentionSweeper sweeper, StreamTrimmer trimmer, BackupService backups) {
        this(config, leases, status, metrics, sweeper, trimmer, backups, new ConcurrentLinkedQueue<>());
    }
}
