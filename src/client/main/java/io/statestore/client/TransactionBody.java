package io.statestore.client;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Map;

/**
 * Computes the changes of a transaction from the documents as they are. It may run several
 * times when other writers get in between, so it must have no side effects of its own.
 */
@FunctionalInterface
public interface TransactionBody {
    /**
     * @param current the documents that exist now, by key (absent keys are missing from the map)
     * @param changes where to put the writes to commit
     */
    void apply(Map<String, Document<JsonNode>> current, TransactionChanges changes);
}
