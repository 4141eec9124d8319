package io.statestore.migrate;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.statestore.client.InvalidInputException;
import io.statestore.client.StrictJson;

/**
 * One ledger field: the content hash of the file as last imported, the key it became and the
 * document's revision once the import wrote it (or found it already holding the content).
 * Stored as a small JSON object in the ledger hash, field = the file's relative path.
 * {@code revision} is null in entries written before revisions were recorded.
 */
public record LedgerEntry(String sha256, String key, Long revision) {

    public LedgerEntry(String sha256, String key) {
        this(sha256, key, null);
    }

    public LedgerEntry withRevision(long rev) {
        return new LedgerEntry(sha256, key, rev);
    }

    public String toJson() {
        ObjectNode o = StrictJson.mapper().createObjectNode();
        o.put("sha256", sha256);
        o.put("key", key);
        if (revision != null) {
            o.put("rev", revision.longValue());
        }
        return StrictJson.write(o);
    }

    /** Null for null; an unreadable entry reads as absent, so the file is checked against its document. */
    public static LedgerEntry parse(String json) {
        if (json == null) {
            return null;
        }
        try {
            JsonNode n = StrictJson.parse(json, "ledger entry");
            JsonNode rev = n.path("rev");
            return new LedgerEntry(
                    n.path("sha256").asText(null),
                    n.path("key").asText(null),
                    rev.isIntegralNumber() ? rev.asLong() : null);
        } catch (InvalidInputException e) {
            return null;
        }
    }

    public boolean matches(String sha, String documentKey) {
        return sha.equals(sha256) && documentKey.equals(key);
    }
}
