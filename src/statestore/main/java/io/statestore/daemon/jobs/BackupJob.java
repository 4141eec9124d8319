package io.statestore.daemon.jobs;

import io.statestore.daemon.backup.BackupResult;
import java.util.Map;

/** RDB backup on its schedule. */
public final class BackupJob extends LeasedJob {
    public BackupJob(JobServices services) {
        super(services);
    }

    @Override
    protected String name() {
        return "backup";
    }

    @Override
    protected Map<String, ?> work() throws Exception {
        BackupResult r = services.backups().backupNow();
        services.metrics().increment("statestore_backup_bytes_total", "", r.size());
        return r.figures();
    }
}
