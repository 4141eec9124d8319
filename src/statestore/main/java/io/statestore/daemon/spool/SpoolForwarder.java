package io.statestore.daemon.spool;

import io.statestore.client.EventBus;
import io.statestore.client.StateStoreOptions;
import io.statestore.client.events.EventBusOptions;
import io.statestore.client.events.SpoolOptions;
import io.statestore.client.events.SpoolStatus;
import io.statestore.daemon.files.PrivateFiles;
import io.statestore.daemon.status.Metrics;
import java.io.IOException;
import java.nio.file.Path;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The daemon's outage spool, {@code <dataDir>/spool}: the default spool of a CLI or Java client
 * of this user that publishes to the daemon's server (docs/events.md, "The default spool"). The
 * daemon keeps a spooling bus open on it for its whole life, so it owns the directory and
 * forwards, once and in order, what clients spooled there (they hand events over through its
 * inbox) as soon as Redis answers, even if no client runs again. If a client holds the directory
 * when the daemon starts, the bus takes it over as soon as that client lets go.
 *
 * <p>The directory is 0700 like the rest of the state directory: the users who may spool there
 * are those who may read the connection file (the daemon's user, root); others spool in their
 * own state directory.
 */
public final class SpoolForwarder implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(SpoolForwarder.class);

    private final EventBus bus;

    public SpoolForwarder(Path dataDir, StateStoreOptions options, long maxLength) throws IOException {
        Path dir = PrivateFiles.directory(dataDir.resolve("spool"));
        PrivateFiles.directory(dir.resolve("inbox"));
        bus = EventBus.open(
                options,
                EventBusOptions.builder()
                        .maxLength(maxLength)
                        .spool(SpoolOptions.in(dir))
                        .build());
        for (String f : new String[] {"events.lock", "events.spool", "events.pos"}) {
            try {
                if (java.nio.file.Files.exists(dir.resolve(f))) {
                    PrivateFiles.file(dir.resolve(f)); // an older run's, made under a loose umask
                }
            } catch (IOException notOurs) {
                LOG.warn("event spool {}: cannot make {} 0600: {}", dir, f, notOurs.getMessage());
            }
        }
        SpoolStatus st = bus.spoolStatus();
        if (st.owner()) {
            LOG.info("event spool {}: forwarding what clients spool there ({} waiting)", dir, st.depth());
        } else {
            LOG.info(
                    "event spool {}: held by another process for now; the daemon forwards it once that one lets go",
                    dir);
        }
    }

    public SpoolStatus status() {
        return bus.spoolStatus();
    }

    public void register(Metrics metrics) {
        metrics.gauge(
                "statestore_event_spool_depth",
                "Events in the daemon's outage spool waiting for Redis",
                () -> status().depth());
        metrics.gauge(
                "statestore_event_spool_forwarded",
                "Events the daemon has forwarded from its outage spool since it started",
                () -> status().forwarded());
    }

    @Override
    public void close() {
        bus.close();
    }
}
