package io.statestore.migrate;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.statestore.client.InvalidInputException;
import io.statestore.client.StrictJson;

/**
 * One ledger field: the content hash of the file as last imported and the key it became.
 * Stored as a small JSON object in the ledger hash, field = the file's relative path.
 */
public record LedgerEntry(String sha256, String key) {

    public String toJson() {
        ObjectNode o = StrictJson.mapper().createObjectNode();
        o.put("sha256", sha256);
        o.put("key", key);
        return StrictJson.write(o);
    }

    /** Null for null; an unreadable entry reads as absent, so the file is checked against its document. */
    public static LedgerEntry parse(String json) {
        if (json == null) {
            return null;
        }
        try {
            JsonNode n = StrictJson.parse(json, "ledger entry");
            return new LedgerEntry(n.path("sha256").asText(null), n.path("key").asText(null));
        } catch (InvalidInputException e) {
            return null;
        }
    }

    public boolean matches(String sha, String documentKey) {
        return sha.equals(sha256) && documentKey.equals(key);
    }
}
