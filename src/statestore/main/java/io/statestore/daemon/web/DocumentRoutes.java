package io.statestore.daemon.web;

import com.fasterxml.jackson.databind.JsonNode;
import io.statestore.client.Document;
import io.statestore.client.HistoryEntry;
import io.statestore.client.StateStore;
import io.statestore.client.WriteResult;
import io.statestore.client.spi.FunctionCalls;
import io.statestore.client.spi.KeyLayout;
import io.statestore.daemon.redis.RedisAdmin;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The Documents and History pages' endpoints: the key tree, key pages, one document, its kept
 * versions, a diff of two, and revert (writer). Reads go through the listing index and the
 * client's calls, never {@code KEYS}; revert is the client's normal revert (docs/dashboard.md).
 */
public final class DocumentRoutes implements WebRoutes {
    static final int DEFAULT_PAGE = 100;
    static final int MAX_PAGE = 1000;

    private final StateStore store;
    private final RedisAdmin redis;
    private final KeyLayout layout;
    private final KeyTree tree;

    public DocumentRoutes(StateStore store, RedisAdmin redis, KeyLayout layout) {
        this.store = store;
        this.redis = redis;
        this.layout = layout;
        this.tree = new KeyTree(redis, layout);
    }

    @Override
    public void register(Registry registry) {
        registry.get("/tree", Access.READER, this::tree);
        registry.get("/keys", Access.READER, this::keys);
        registry.get("/doc", Access.READER, this::document);
        registry.get("/history", Access.READER, this::history);
        registry.get("/version", Access.READER, this::version);
        registry.get("/diff", Access.READER, this::diff);
        registry.post("/revert", Access.WRITER, this::revert);
    }

    private Object tree(WebRequest r) {
        String prefix = r.query("prefix").orElse("");
        if (!prefix.isEmpty() && !prefix.endsWith(":")) {
            throw new WebError(
                    400,
                    "prefix \"" + prefix + "\" must end with ':' (a tree level is a segment of"
                            + " :-separated keys); to list keys starting with any text, use /api/keys?prefix=");
        }
        return tree.level(prefix);
    }

    /** A page of keys under {@code prefix} after {@code after} (exclusive); {@code next} is the following page's {@code after}. */
    private Object keys(WebRequest r) {
        String prefix = r.query("prefix").orElse("");
        String after = r.query("after").orElse("");
        int limit = intParam(r, "limit", DEFAULT_PAGE, 1, MAX_PAGE);
        if (!after.isEmpty() && !after.startsWith(prefix)) {
            throw new WebError(400, "after \"" + after + "\" is not a key under prefix \"" + prefix + "\"");
        }
        FunctionCalls.Call call = new FunctionCalls(layout).list(prefix, after, limit);
        List<Object> reply =
                FunctionCalls.list(redis.with(j -> j.fcallReadonly(call.function(), call.keys(), call.args())));
        String cursor = FunctionCalls.text(reply.get(0));
        List<String> keys = new ArrayList<>();
        for (int i = 1; i < reply.size(); i++) {
            keys.add(FunctionCalls.text(reply.get(i)));
        }
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("prefix", prefix);
        out.put("keys", keys);
        out.put("next", cursor.isEmpty() ? null : cursor);
        return out;
    }

    private Object document(WebRequest r) {
        String key = key(r);
        Document<JsonNode> d = store.get(key).orElseThrow(() -> new WebError(404, "no document \"" + key + "\""));
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("key", key);
        out.put("revision", d.revision());
        out.put("size", d.value().toString().getBytes(StandardCharsets.UTF_8).length);
        out.put("writer", d.meta().writer());
        out.put("created", d.meta().created());
        out.put("updated", d.meta().updated());
        out.put(
                "ttlMillis",
                d.meta()
                        .expiresAt()
                        .map(t -> Math.max(0, t.toEpochMilli() - Instant.now().toEpochMilli()))
                        .orElse(null));
        out.put("value", d.value());
        return out;
    }

    private Object history(WebRequest r) {
        String key = key(r);
        List<Map<String, Object>> versions = new ArrayList<>();
        for (HistoryEntry e : store.history().list(key)) {
            Map<String, Object> v = new LinkedHashMap<>();
            v.put("revision", e.revision());
            v.put("op", e.op());
            v.put("writer", e.writer());
            v.put("time", e.time());
            v.put("deletion", e.isDeletion());
            v.put(
                    "size",
                    e.document()
                            .map(d -> d.toString().getBytes(StandardCharsets.UTF_8).length)
                            .orElse(null));
            versions.add(v);
        }
        return Map.of("key", key, "versions", versions);
    }

    private Object version(WebRequest r) {
        String key = key(r);
        HistoryEntry e = store.history().get(key, longParam(r, "rev"));
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("key", key);
        out.put("revision", e.revision());
        out.put("op", e.op());
        out.put("writer", e.writer());
        out.put("time", e.time());
        out.put("value", e.document().orElse(null));
        return out;
    }

    private Object diff(WebRequest r) {
        String key = key(r);
        HistoryEntry from = store.history().get(key, longParam(r, "from"));
        HistoryEntry to = store.history().get(key, longParam(r, "to"));
        JsonNode before = from.document().orElse(null);
        JsonNode after = to.document().orElse(null);
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("key", key);
        out.put("from", from.revision());
        out.put("to", to.revision());
        out.put("changes", JsonDiff.between(before, after));
        out.put("before", before);
        out.put("after", after);
        return out;
    }

    private Object revert(WebRequest r) {
        JsonNode body = r.body();
        String key = body.path("key").asText("");
        if (key.isEmpty()) {
            throw new WebError(400, "revert needs the document's \"key\"");
        }
        if (!body.path("revision").canConvertToLong() || body.path("revision").asLong() < 1) {
            throw new WebError(400, "revert needs the \"revision\" to go back to, a positive integer");
        }
        WriteResult w = store.history().revert(key, body.path("revision").asLong());
        return Map.of(
                "key",
                w.key(),
                "revision",
                w.revision(),
                "revertedTo",
                body.path("revision").asLong());
    }

    private static String key(WebRequest r) {
        String key = r.query("key").orElse("");
        if (key.isEmpty()) {
            throw new WebError(400, "the document's key is missing: ?key=...");
        }
        return key;
    }

    private static long longParam(WebRequest r, String name) {
        String v = r.query(name).orElseThrow(() -> new WebError(400, "the revision is missing: ?" + name + "=..."));
        try {
            long n = Long.parseLong(v);
            if (n < 1) {
                throw new NumberFormatException();
            }
            return n;
        } catch (NumberFormatException e) {
            throw new WebError(400, name + " \"" + v + "\" is not a revision (a positive integer)");
        }
    }

    private static int intParam(WebRequest r, String name, int dflt, int min, int max) {
        String v = r.query(name).orElse(null);
        if (v == null || v.isEmpty()) {
            return dflt;
        }
        try {
            int n = Integer.parseInt(v);
            if (n < min || n > max) {
                throw new NumberFormatException();
            }
            return n;
        } catch (NumberFormatException e) {
            throw new WebError(400, name + " \"" + v + "\" must be an integer from " + min + " to " + max);
        }
    }
}
