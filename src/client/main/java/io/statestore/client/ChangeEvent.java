package io.statestore.client;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;
import java.util.Optional;

/**
 * One committed change, as recorded in the change feed.
 *
 * @param id               the feed entry ID: the position to resume after
 * @param key              the document
 * @param op               put, create, merge, set, remove, incr, append, update, revert, del, expire, persist, expired, ...
 * @param revision         the document's revision after the change
 * @param previousRevision its revision before (0 for a first write)
 * @param writer           who wrote it
 * @param time             server time of the commit
 * @param change           what changed (merge patch, path operations, or the whole document); null for deletions and TTL changes
 * @param source           the origin recorded with the change (e.g. an imported file), if any
 * @param document         the document after the change, when the watch asked for documents and it exists
 * @param documentRevision the revision of {@code document}: equal to {@code revision} when read from history,
 *                         possibly later when history is off for the key (0 without a document)
 */
public record ChangeEvent(
        String id,
        String key,
        String op,
        long revision,
        long previousRevision,
        String writer,
        Instant time,
        JsonNode change,
        Optional<String> source,
        Optional<JsonNode> document,
        long documentRevision) {

    /** True for deletions and natural expiry (tombstones). */
    public boolean isDeletion() {
        return "del".equals(op) || "expired".equals(op);
    }

    /** The same event carrying a document. */
    public ChangeEvent withDocument(JsonNode doc, long docRevision) {
        return new ChangeEvent(
                id,
                key,
                op,
                revision,
                previousRevision,
                writer,
                time,
                change,
                source,
                Optional.ofNullable(doc),
                doc == null ? 0 : docRevision);
    }
}
