package io.statestore.client;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;
import java.util.Optional;

/**
 * One kept version of a document.
 *
 * @param document the content at this revision; empty for deletions (and for a TTL change whose
 *                 earlier content is no longer kept)
 */
public record HistoryEntry(
        String key, long revision, String op, String writer, Instant time, Optional<JsonNode> document) {

    public boolean isDeletion() {
        return "del".equals(op) || "expired".equals(op);
    }
}
