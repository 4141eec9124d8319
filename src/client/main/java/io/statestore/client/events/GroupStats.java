package io.statestore.client.events;

import java.time.Duration;

/**
 * Figures of one consumer group on one stream.
 *
 * @param pending           entries delivered and not yet acknowledged
 * @param lag               entries not yet delivered to the group (-1 when Redis cannot tell,
 *                          after deletions in the stream)
 * @param oldestPendingAge  how long ago the oldest pending entry was published (zero when none)
 */
public record GroupStats(
        String name, long consumers, long pending, long lag, String lastDeliveredId, Duration oldestPendingAge) {}
