package io.statestore.client;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Optional;

/**
 * The outcome of a committed write.
 *
 * @param key      the document written
 * @param revision its new revision
 * @param changeId the ID of the change event in the feed stream (a Redis stream ID)
 * @param value    for increments, the number after the change; empty otherwise
 */
public record WriteResult(String key, long revision, String changeId, Optional<JsonNode> value) {}
