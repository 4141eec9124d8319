package io.statestore.client.internal;

import com.fasterxml.jackson.databind.JsonNode;
import io.statestore.client.HistoryEntry;
import io.statestore.client.HistoryPolicy;
import io.statestore.client.StrictJson;
import io.statestore.client.spi.FunctionCalls;
import io.statestore.client.spi.KeyLayout;
import io.statestore.client.spi.RedisGateway;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Reads of the per-document history stream with {@code ss_history}. */
final class HistoryReads {
    private final HistoryPolicies policies;
    private final RedisGateway redis;
    private final KeyLayout layout;

    HistoryReads(HistoryPolicies policies, RedisGateway redis, KeyLayout layout) {
        this.policies = policies;
        this.redis = redis;
        this.layout = layout;
    }

    /**
     * All kept entries, oldest first. An entry without content that is not a deletion (a TTL
     * change) carries the content of the entry before it, when that is kept.
     */
    List<HistoryEntry> all(String key) {
        List<HistoryEntry> out = new ArrayList<>();
        JsonNode previous = null;
        for (HistoryEntry e : raw(key, 0)) {
            if (e.document().isEmpty() && !e.isDeletion() && previous != null) {
                e = new HistoryEntry(e.key(), e.revision(), e.op(), e.writer(), e.time(), Optional.of(previous));
            }
            previous = e.document().orElse(null);
            out.add(e);
        }
        return out;
    }

    /** The entry of one revision as stored (no content for TTL changes), searched from the newest. */
    Optional<HistoryEntry> exact(String key, long revision) {
        List<HistoryEntry> r = raw(key, revision);
        return r.isEmpty() ? Optional.empty() : Optional.of(r.get(0));
    }

    private List<HistoryEntry> raw(String key, long revision) {
        HistoryPolicy policy = policies.effective(key);
        Object reply = redis.fcallReadOnly(
                new FunctionCalls(layout).history(key, policy.maxAge().toMillis(), revision), key);
        List<HistoryEntry> out = new ArrayList<>();
        for (Object o : FunctionCalls.list(reply)) {
            List<Object> e = FunctionCalls.list(o);
            List<Object> f = FunctionCalls.list(e.get(1));
            Map<String, String> m = new HashMap<>();
            for (int i = 0; i + 1 < f.size(); i += 2) {
                m.put(FunctionCalls.text(f.get(i)), FunctionCalls.text(f.get(i + 1)));
            }
            long rev = Long.parseLong(m.get("rev"));
            String doc = m.get("doc");
            Optional<JsonNode> content = doc == null
                    ? Optional.empty()
                    : Optional.of(StrictJson.parse(doc, "history of \"" + key + "\" at revision " + rev));
            out.add(new HistoryEntry(
                    key,
                    rev,
                    m.get("op"),
                    m.getOrDefault("writer", ""),
                    Instant.ofEpochMilli(Long.parseLong(m.getOrDefault("time", "0"))),
                    content));
        }
        return out;
    }
}
