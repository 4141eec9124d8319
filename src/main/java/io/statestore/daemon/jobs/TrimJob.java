package io.statestore.daemon.jobs;

import io.statestore.daemon.config.DaemonConfig;
import java.util.Map;

/** Stream trimming on its schedule. */
public final class TrimJob extends LeasedJob {
    public TrimJob(JobServices services) {
        super(services);
    }

    @Override
    protected String name() {
        return "trim";
    }

    @Override
    protected Map<String, ?> work() {
        long removed = 0;
        for (DaemonConfig.Stream s : services.config().trim().streams()) {
            removed += services.trimmer().trim(s);
        }
        return Map.of("removed", removed);
    }
}
