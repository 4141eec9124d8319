package io.statestore.client;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;

/** The writes a transaction body asks for; committed together or not at all. */
public final class TransactionChanges {

    /** One requested change: a new value (with an optional TTL as in {@link WriteOptions}) or a deletion. */
    public record Change(String key, Optional<JsonNode> value, Duration ttl) {
        public boolean isDelete() {
            return value.isEmpty();
        }
    }

    private final List<Change> changes = new ArrayList<>();

    public TransactionChanges put(String key, Object value) {
        return put(key, value, null);
    }

    public TransactionChanges put(String key, Object value, Duration ttl) {
        changes.add(new Change(key, Optional.of(StrictJson.toTree(value)), ttl));
        return this;
    }

    public TransactionChanges delete(String key) {
        changes.add(new Change(key, Optional.empty(), null));
        return this;
    }

    public List<Change> changes() {
        return Collections.unmodifiableList(changes);
    }
}
