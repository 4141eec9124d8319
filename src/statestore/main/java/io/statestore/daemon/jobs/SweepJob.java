package io.statestore.daemon.jobs;

import java.util.Map;

/** Retention/TTL sweep on its schedule. */
public final class SweepJob extends LeasedJob {
    public SweepJob(JobServices services) {
        super(services);
    }

    @Override
    protected String name() {
        return "sweep";
    }

    @Override
    protected Map<String, ?> work() {
        return services.sweeper().sweep().figures();
    }
}
