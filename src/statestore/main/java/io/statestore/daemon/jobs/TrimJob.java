package io.statestore.daemon.jobs;

import io.statestore.daemon.config.DaemonConfig;
import io.statestore.daemon.trim.EventTrimmer;
import java.util.LinkedHashMap;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Stream trimming on its schedule: the configured streams (the change feed), then the event bus. */
public final class TrimJob extends LeasedJob {
    private static final Logger LOG = LoggerFactory.getLogger(TrimJob.class);

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
        Map<String, Object> figures = new LinkedHashMap<>();
        figures.put("removed", removed);
        EventTrimmer events = services.eventTrimmer();
        if (events != null && events.enabled()) {
            EventTrimmer.Result r = events.trim();
            figures.put("events_streams", r.streams());
            figures.put("events_removed", r.removed());
            LOG.info(
                    "trim: {} entries removed from configured streams, {} from {} of {} event streams",
                    removed,
                    r.removed(),
                    r.trimmed(),
                    r.streams());
        } else {
            LOG.info("trim: {} entries removed from configured streams", removed);
        }
        return figures;
    }
}
