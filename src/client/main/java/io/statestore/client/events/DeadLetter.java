package io.statestore.client.events;

/**
 * An event moved to its type's dead-letter stream.
 *
 * @param dlqId      its entry ID in the dead-letter stream
 * @param event      the event (its {@code entryId} is the one it had in the type stream)
 * @param error      the handler's last error
 * @param deliveries how many times it was delivered
 */
public record DeadLetter(String dlqId, Event event, String error, long deliveries, String group, String consumer) {}
