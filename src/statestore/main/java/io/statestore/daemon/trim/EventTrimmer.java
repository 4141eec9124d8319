package io.statestore.daemon.trim;

import io.statestore.client.EventBus;
import io.statestore.client.events.TrimPolicy;
import io.statestore.daemon.config.DaemonConfig;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Trims the event bus's streams (each type, its dead letters, the global stream) with
 * {@link EventBus#trim}: by length and age, never past an entry a group has not acknowledged.
 */
public final class EventTrimmer {
    private static final Logger LOG = LoggerFactory.getLogger(EventTrimmer.class);
    private final EventBus bus;
    private final DaemonConfig.Events config;
    private final Runnable beforeTrim;

    public EventTrimmer(EventBus bus, DaemonConfig.Events config) {
        this(bus, config, () -> {});
    }

    /**
     * {@code beforeTrim} runs at the start of each trim: on a cluster it writes the bus's limits
     * for types first published since the last run (their limits are per type there).
     */
    public EventTrimmer(EventBus bus, DaemonConfig.Events config, Runnable beforeTrim) {
        this.bus = bus;
        this.config = config;
        this.beforeTrim = beforeTrim;
    }

    public boolean enabled() {
        return config.enabled();
    }

    /** The policy the config describes (a zero maxAge means no age limit). */
    public TrimPolicy policy() {
        return new TrimPolicy(
                config.maxLength(),
                config.maxAge() == null || config.maxAge().isZero() ? Optional.empty() : Optional.of(config.maxAge()));
    }

    /** Trims every event stream; the figures for the job summary. */
    public Result trim() {
        beforeTrim.run();
        Map<String, Long> removed = bus.trim(policy());
        long total = removed.values().stream().mapToLong(Long::longValue).sum();
        long touched = removed.values().stream().filter(n -> n > 0).count();
        removed.forEach((key, n) -> {
            if (n > 0) {
                LOG.info("trim: removed {} entries from event stream {}", n, key);
            }
        });
        return new Result(removed.size(), touched, total);
    }

    /**
     * @param streams  event streams looked at
     * @param trimmed  streams that lost entries
     * @param removed  entries removed in all
     */
    public record Result(long streams, long trimmed, long removed) {}
}
