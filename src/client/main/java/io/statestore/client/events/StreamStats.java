package io.statestore.client.events;

import java.util.List;

/**
 * Figures of one stream.
 *
 * @param kind    {@code type}, {@code all} (the global stream) or {@code dlq}
 * @param type    the event type ("" for the global stream)
 * @param key     the Redis key
 * @param firstId the oldest entry ID ("" when empty); lastId likewise
 */
public record StreamStats(
        String kind, String type, String key, long length, String firstId, String lastId, List<GroupStats> groups) {}
