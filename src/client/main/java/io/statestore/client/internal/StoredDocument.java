package io.statestore.client.internal;

import com.fasterxml.jackson.databind.JsonNode;
import io.statestore.client.Document;
import io.statestore.client.DocumentMeta;
import io.statestore.client.StrictJson;
import io.statestore.client.WriteOptions;
import io.statestore.client.spi.FunctionCalls;
import java.time.Instant;
import java.util.Optional;

/**
 * One document as {@code ss_get} replies: content text (null when absent), revision, times,
 * writer, TTL and Redis type. The revision of an absent document is its tombstone's, or 0.
 */
record StoredDocument(
        String key,
        String text,
        long revision,
        long createdMs,
        long updatedMs,
        String writer,
        long pttlMs,
        String redisType,
        boolean foreign,
        long readAtMs) {

    static StoredDocument fromReply(String key, Object reply) {
        FunctionCalls.DocumentReply r = FunctionCalls.document(reply);
        return new StoredDocument(
                key,
                r.content(),
                r.revision(),
                r.createdMs(),
                r.updatedMs(),
                r.writer(),
                r.pttlMs(),
                r.redisType(),
                r.foreign(),
                System.currentTimeMillis());
    }

    boolean exists() {
        return text != null;
    }

    /** The revision a compare-and-set against this read must name ({@link WriteOptions#FOREIGN} for a foreign key). */
    long expectedRevision() {
        if (!exists()) {
            return 0;
        }
        return foreign ? WriteOptions.FOREIGN : revision;
    }

    JsonNode json() {
        return StrictJson.parse(text, "document \"" + key + "\"");
    }

    Optional<Document<JsonNode>> toDocument() {
        return exists() ? Optional.of(new Document<>(key, json(), meta())) : Optional.empty();
    }

    DocumentMeta meta() {
        Optional<Instant> expires =
                pttlMs > 0 ? Optional.of(Instant.ofEpochMilli(readAtMs + pttlMs)) : Optional.empty();
        return new DocumentMeta(
                revision,
                Instant.ofEpochMilli(createdMs),
                Instant.ofEpochMilli(updatedMs),
                writer == null ? "" : writer,
                expires);
    }
}
