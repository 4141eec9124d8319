package io.statestore.client.events;

import io.statestore.client.InvalidInputException;
import java.time.Duration;
import java.util.Optional;

/**
 * How an event bus publishes. Immutable; {@link #DEFAULT} or {@link #builder()}.
 *
 * @param maxLength       streams are trimmed towards this many entries as events are published
 *                        (never past what a group has not acknowledged); 0 = only the daemon trims
 * @param idRetention     how long published event IDs are remembered to drop re-sends
 * @param maxIds          at most this many IDs are remembered (0: no count limit)
 * @param publishTimeout  the longest a publish waits on Redis before spooling the event (only
 *                        with a spool; without one, a publish fails after the store's timeout)
 * @param spool           the outage spool, if any
 */
public record EventBusOptions(
        long maxLength, Duration idRetention, long maxIds, Duration publishTimeout, Optional<SpoolOptions> spool) {
    public static final long DEFAULT_MAX_LENGTH = 1_000_000;
    public static final Duration DEFAULT_ID_RETENTION = Duration.ofDays(1);
    public static final long DEFAULT_MAX_IDS = 2_000_000;
    public static final Duration DEFAULT_PUBLISH_TIMEOUT = Duration.ofSeconds(1);
    public static final EventBusOptions DEFAULT = builder().build();

    public EventBusOptions {
        if (maxLength < 0 || maxIds < 0) {
            throw new InvalidInputException("maxLength and maxIds must not be negative");
        }
        if (idRetention.isNegative() || publishTimeout.isNegative() || publishTimeout.isZero()) {
            throw new InvalidInputException("idRetention must not be negative and publishTimeout must be positive");
        }
        spool = spool == null ? Optional.empty() : spool;
    }

    public static Builder builder() {
        return new Builder();
    }

    public static final class Builder {
        private long maxLength = DEFAULT_MAX_LENGTH;
        private Duration idRetention = DEFAULT_ID_RETENTION;
        private long maxIds = DEFAULT_MAX_IDS;
        private Duration publishTimeout = DEFAULT_PUBLISH_TIMEOUT;
        private SpoolOptions spool;

        private Builder() {}

        public Builder maxLength(long n) {
            this.maxLength = n;
            return this;
        }

        public Builder idRetention(Duration d) {
            this.idRetention = d;
            return this;
        }

        public Builder maxIds(long n) {
            this.maxIds = n;
            return this;
        }

        public Builder publishTimeout(Duration d) {
            this.publishTimeout = d;
            return this;
        }

        public Builder spool(SpoolOptions s) {
            this.spool = s;
            return this;
        }

        public EventBusOptions build() {
            return new EventBusOptions(maxLength, idRetention, maxIds, publishTimeout, Optional.ofNullable(spool));
        }
    }
}
