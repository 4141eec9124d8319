package io.statestore.client.events;

import io.statestore.client.InvalidInputException;
import java.time.Duration;
import java.util.Optional;

/**
 * What the daemon's trim removes: entries beyond {@code maxLength} (0: no limit) and entries
 * older than {@code maxAge}, but never one a consumer group has not acknowledged.
 */
public record TrimPolicy(long maxLength, Optional<Duration> maxAge) {
    public TrimPolicy {
        if (maxLength < 0) {
            throw new InvalidInputException("maxLength must not be negative, got " + maxLength);
        }
        maxAge = maxAge == null ? Optional.empty() : maxAge;
    }

    public static TrimPolicy maxLength(long n) {
        return new TrimPolicy(n, Optional.empty());
    }

    public static TrimPolicy maxAge(Duration age) {
        return new TrimPolicy(0, Optional.of(age));
    }
}
