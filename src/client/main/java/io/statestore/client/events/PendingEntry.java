package io.statestore.client.events;

import java.time.Duration;

/** One delivered, unacknowledged entry: who has it, for how long, how many deliveries so far. */
public record PendingEntry(String stream, String entryId, String consumer, Duration idle, long deliveries) {}
