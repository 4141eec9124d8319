package io.statestore.client.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.TextNode;
import io.statestore.client.ChangeEvent;
import io.statestore.client.Document;
import io.statestore.client.InvalidInputException;
import io.statestore.client.StateStoreException;
import io.statestore.client.StrictJson;
import io.statestore.client.WatchOptions;
import io.statestore.client.spi.FunctionCalls;
import io.statestore.client.spi.KeyLayout;
import io.statestore.client.spi.RedisGateway;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** The watch-side reads of the protocol: {@code ss_snapshot} and {@code ss_read} (docs/protocol.md). */
final class FeedReads {
    /** Documents per {@code ss_snapshot} page; a prefix with more spans several calls (docs/watch.md). */
    static final int SNAPSHOT_PAGE = 1000;

    /** How a read-only function is called: on the pool or on a watcher's own connection. */
    @FunctionalInterface
    interface ReadCall {
        Object fcallReadOnly(FunctionCalls.Call call);
    }

    /** One {@code ss_read} reply. */
    record Batch(String status, String lastId, List<ChangeEvent> events) {
        boolean ok() {
            return "ok".equals(status);
        }
    }

    /** A document that exists but cannot be read as JSON (written around statestore, e.g. a raw SET). */
    record Unreadable(String key, long revision, StateStoreException error) {}

    /**
     * A snapshot: the documents, those that could not be read, the position of its first page
     * (changes after it are delivered, except those already in the documents) and of its last page.
     */
    record Snapshot(
            List<Document<JsonNode>> documents, List<Unreadable> unreadable, String position, String lastPagePosition) {
        /**
         * Per-key revisions to skip events up to, when pages were read at different positions.
         * Unreadable documents count too: they were reported at that revision.
         */
        Map<String, Long> revisionsToSkip() {
            Map<String, Long> m = new HashMap<>();
            if (!position.equals(lastPagePosition)) {
                for (Document<JsonNode> d : documents) {
                    m.put(d.key(), d.revision());
                }
                for (Unreadable u : unreadable) {
                    m.put(u.key(), u.revision());
                }
            }
            return m;
        }
    }

    private final FunctionCalls protocol;

    FeedReads(KeyLayout layout) {
        this.protocol = new FunctionCalls(layout);
    }

    Snapshot snapshot(ReadCall call, WatchOptions options) {
        String anchor = options.target();
        List<Document<JsonNode>> docs = new ArrayList<>();
        List<Unreadable> unreadable = new ArrayList<>();
        if (options.scope() == WatchOptions.Scope.KEY) {
            List<Object> r = FunctionCalls.list(call.fcallReadOnly(protocol.snapshotOf(anchor)));
            addDocuments(r, docs, unreadable);
            String pos = FunctionCalls.text(r.get(0));
            return new Snapshot(docs, unreadable, pos, pos);
        }
        String cursor = "";
        String first = null;
        String last;
        do {
            List<Object> r =
                    FunctionCalls.list(call.fcallReadOnly(protocol.snapshotUnder(anchor, cursor, SNAPSHOT_PAGE)));
            last = FunctionCalls.text(r.get(0));
            if (first == null) {
                first = last;
            }
            cursor = FunctionCalls.text(r.get(1));
            addDocuments(r, docs, unreadable);
        } while (!cursor.isEmpty());
        return new Snapshot(docs, unreadable, first, last);
    }

    /**
     * The documents of an {@code ss_snapshot} reply. One that cannot be parsed is set aside for
     * the listener instead of failing the snapshot: otherwise a single document written around
     * statestore would stop the watch of every other document under the prefix, for good.
     */
    static void addDocuments(List<Object> reply, List<Document<JsonNode>> into, List<Unreadable> unreadable) {
        for (int i = 2; i < reply.size(); i++) {
            List<Object> pair = FunctionCalls.list(reply.get(i));
            String key = FunctionCalls.text(pair.get(0));
            StoredDocument stored = StoredDocument.fromReply(key, pair.get(1));
            try {
                stored.toDocument().ifPresent(into::add);
            } catch (InvalidInputException e) {
                unreadable.add(new Unreadable(key, stored.revision(), e));
            }
        }
    }

    Batch read(ReadCall call, String feed, String afterId, int count) {
        List<Object> r = FunctionCalls.list(call.fcallReadOnly(FunctionCalls.read(feed, afterId, count)));
        List<ChangeEvent> events = new ArrayList<>();
        // nil when the function's XRANGE answered nil: Redis 7.0 does so for COUNT 0
        if (r.get(2) != null) {
            for (Object e : FunctionCalls.list(r.get(2))) {
                events.add(event(e));
            }
        }
        return new Batch(FunctionCalls.text(r.get(0)), FunctionCalls.text(r.get(1)), events);
    }

    /**
     * Waits for entries after {@code afterId} and reads them with XREAD, then, in the same
     * pipeline, runs the gap check of {@code ss_read} for {@code afterId} (with no entries).
     * Redis runs that check after the XREAD returned, so when it says "ok" nothing after
     * {@code afterId} had been removed when the XREAD read: the entries it returned are the next
     * ones, without a gap. Otherwise the batch is not ok and the caller falls back to
     * {@link #read}, which reports the resync.
     */
    Batch awaitNext(RedisGateway.BlockingConnection conn, String feed, String afterId, int blockMillis, int count) {
        RedisGateway.Awaited r =
                conn.awaitEntriesThenCall(feed, afterId, blockMillis, count, FunctionCalls.read(feed, afterId, 0));
        List<Object> check = FunctionCalls.list(r.callReply());
        List<ChangeEvent> events = new ArrayList<>(r.entries().size());
        for (Object e : r.entries()) {
            events.add(event(e));
        }
        return new Batch(FunctionCalls.text(check.get(0)), FunctionCalls.text(check.get(1)), events);
    }

    /** A feed entry (XRANGE reply element) as an event. */
    static ChangeEvent event(Object entry) {
        List<?> e = (List<?>) entry;
        String id = FunctionCalls.text(e.get(0));
        List<?> f = (List<?>) e.get(1);
        Map<String, String> m = new HashMap<>();
        for (int i = 0; i + 1 < f.size(); i += 2) {
            m.put(FunctionCalls.text(f.get(i)), FunctionCalls.text(f.get(i + 1)));
        }
        String change = m.get("change");
        JsonNode changeJson = change == null ? null : changeJson(change, m.get("key"), id);
        return new ChangeEvent(
                id,
                m.get("key"),
                m.get("op"),
                parseLong(m.get("rev")),
                parseLong(m.get("prev")),
                m.getOrDefault("writer", ""),
                Instant.ofEpochMilli(parseLong(m.get("time"))),
                changeJson,
                Optional.ofNullable(m.get("src")),
                Optional.empty(),
                0);
    }

    /**
     * The change as JSON. A change field that is not valid JSON (written by a foreign client)
     * is passed on as a JSON string rather than stalling the watch on an entry it cannot skip.
     */
    private static JsonNode changeJson(String change, String key, String id) {
        try {
            return StrictJson.parse(change, "change of \"" + key + "\" at " + id);
        } catch (InvalidInputException e) {
            return TextNode.valueOf(change);
        }
    }

    private static long parseLong(String s) {
        return s == null || s.isEmpty() ? 0 : Long.parseLong(s);
    }

    /** Stream IDs compared numerically. */
    static int compareIds(String a, String b) {
        long[] x = splitId(a);
        long[] y = splitId(b);
        int c = Long.compareUnsigned(x[0], y[0]);
        return c != 0 ? c : Long.compareUnsigned(x[1], y[1]);
    }

    private static long[] splitId(String id) {
        int dash = id.indexOf('-');
        if (dash < 0) {
            return new long[] {Long.parseUnsignedLong(id), 0};
        }
        return new long[] {Long.parseUnsignedLong(id.substring(0, dash)), Long.parseUnsignedLong(id.substring(dash + 1))
        };
    }
}
