package io.statestore.client.spi;

import io.statestore.client.HistoryPolicy;
import io.statestore.client.StateStoreOptions;
import io.statestore.client.StorageMode;
import io.statestore.client.internal.HistoryPolicies;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

/**
 * The KEYS and ARGV of every call of the {@code statestore} function library, and the decoding of
 * its replies (docs/protocol.md): the client, the importer, transactions and the daemon's reaper
 * all build their calls here, so a change of a function's signature touches this file only.
 * Like Jedis's {@code Protocol}: it says what goes on the wire, not when or how it is sent.
 */
public final class FunctionCalls {
    /** "Not given" in the positional forms ({@code ss_write}, {@code ss_jwrite}, {@code ss_tx}). */
    private static final String NONE = "";

    /** Documents per {@code ss_list} page. */
    public static final int LIST_PAGE = 1000;

    private final KeyLayout layout;

    public FunctionCalls(KeyLayout layout) {
        this.layout = layout;
    }

    /** Whether calls are built for Redis Cluster's per-slot layout ({@link KeyLayout#perSlot()}). */
    public boolean perSlot() {
        return layout.perSlot();
    }

    /** One function call, ready to send with FCALL (or FCALL_RO when the function is read-only). */
    public record Call(String function, List<String> keys, List<String> args) {}

    /**
     * What every write names besides its own arguments: the writer, the storage mode of keys it
     * creates ({@code json} or {@code string}), a client-side history rule (null: the server's
     * policy decides) and the origin recorded in the event (null: none).
     */
    public record Writer(String name, String mode, HistoryPolicies.ClientRule history, String source) {
        /** The writer of {@code options} writing {@code keys}, with the client-side history rule that applies to them. */
        public static Writer of(StateStoreOptions options, StorageMode mode, Collection<String> keys, String source) {
            return new Writer(
                    options.writer(),
                    mode == StorageMode.MODULE ? "json" : "string",
                    HistoryPolicies.clientRule(options, keys).orElse(null),
                    source);
        }
    }

    /** One document of an {@code ss_tx}: put ({@code value} not null) or delete, on revision {@code ifRevision}. */
    public record TxWrite(String key, long ifRevision, Long ttlMillis, String value) {}

    // ---- reads

    /** {@code ss_get}: one document with its metadata. */
    public Call get(String key) {
        return new Call("ss_get", List.of(key, layout.meta(key)), List.of());
    }

    /** {@code ss_mget}: one {@code ss_get} reply per key. */
    public Call mget(List<String> keys) {
        List<String> callKeys = new ArrayList<>(keys.size() * 2);
        for (String k : keys) {
            callKeys.add(k);
            callKeys.add(layout.meta(k));
        }
        return new Call("ss_mget", callKeys, List.of());
    }

    /** {@code ss_list}: a page of the keys under {@code prefix} after {@code cursor} ({@code ""} to start). */
    public Call list(String prefix, String cursor) {
        return list(prefix, cursor, LIST_PAGE);
    }

    /** {@code ss_list} with a page of {@code limit} (1 to 100,000) index entries; the dashboard pages by its own size. */
    public Call list(String prefix, String cursor, int limit) {
        return new Call("ss_list", List.of(layout.index(prefix)), List.of(prefix, cursor, Integer.toString(limit)));
    }

    /** {@code ss_list} of one given index (on a cluster, one slot's {@code P index{T}}). */
    public static Call listIndex(String index, String prefix, String cursor) {
        return new Call("ss_list", List.of(index), List.of(prefix, cursor, Integer.toString(LIST_PAGE)));
    }

    /** {@code ss_history}: the kept versions no older than {@code maxAgeMillis} (0: any), or only {@code revision}'s. */
    public Call history(String key, long maxAgeMillis, long revision) {
        return new Call(
                "ss_history",
                List.of(layout.history(key)),
                List.of(Long.toString(maxAgeMillis), Long.toString(revision)));
    }

    /** {@code ss_snapshot} of one document and the feed position, read together. */
    public Call snapshotOf(String key) {
        return new Call("ss_snapshot", List.of(layout.feed(key), layout.index(key), key, layout.meta(key)), List.of());
    }

    /** {@code ss_snapshot} of a page of the documents under {@code prefix}. */
    public Call snapshotUnder(String prefix, String cursor, int limit) {
        return new Call(
                "ss_snapshot",
                List.of(layout.feed(prefix), layout.index(prefix)),
                List.of(prefix, cursor, Integer.toString(limit)));
    }

    /**
     * {@code ss_snapshot} of a page of the documents under {@code prefix} in one slot's feed and
     * index (a cluster watcher reads every slot's, docs/cluster.md).
     */
    public static Call snapshotOfSlot(String feed, String index, String prefix, String cursor, int limit) {
        return new Call("ss_snapshot", List.of(feed, index), List.of(prefix, cursor, Integer.toString(limit)));
    }

    /** {@code ss_read}: up to {@code count} feed entries after {@code afterId}, with the gap check. */
    public static Call read(String feed, String afterId, int count) {
        return new Call("ss_read", List.of(feed), List.of(afterId, Integer.toString(count)));
    }

    /** {@code ss_hpolicy_get}. */
    public Call historyPolicy() {
        return historyPolicy(layout.historyPolicy());
    }

    /** {@code ss_hpolicy_get} of one policy hash (on a cluster: {@link KeyLayout#historyPolicyOfSlot}). */
    public static Call historyPolicy(String policyKey) {
        return new Call("ss_hpolicy_get", List.of(policyKey), List.of());
    }

    // ---- writes

    /** {@code ss_hpolicy_set}; {@code ifVersion} null replaces the rules whatever they are. */
    public Call setHistoryPolicy(String ifVersion, List<HistoryPolicy> rules) {
        return setHistoryPolicy(layout.historyPolicy(), ifVersion, rules);
    }

    /** {@code ss_hpolicy_set} of one policy hash (on a cluster: {@link KeyLayout#historyPolicyOfSlot}). */
    public static Call setHistoryPolicy(String policyKey, String ifVersion, List<HistoryPolicy> rules) {
        List<String> args = new ArrayList<>(2 + rules.size() * 3);
        if (ifVersion != null) {
            args.add("ifversion");
            args.add(ifVersion);
        }
        for (HistoryPolicy p : rules) {
            args.add(p.pattern());
            args.add(Integer.toString(p.maxVersions()));
            args.add(Long.toString(p.maxAge().toMillis()));
        }
        return new Call("ss_hpolicy_set", List.of(policyKey), args);
    }

    /**
     * {@code ss_write}, the positional form of {@code ss_put}: {@code OP DOC CHANGE IFREV WID
     * WRITER FEEDMAX MODE TTL HISTMAX HISTAGE SRC}. The feed length is a store setting, never sent.
     */
    public Call write(
            String key,
            String op,
            String doc,
            String change,
            Long ifRevision,
            String wid,
            Long ttlMillis,
            Writer writer) {
        List<String> args = new ArrayList<>(12);
        args.add(op);
        args.add(doc);
        args.add(orNone(change));
        args.add(orNone(ifRevision));
        addWriterArgs(args, wid, writer);
        args.add(orNone(ttlMillis));
        addHistoryAndSource(args, writer);
        return new Call("ss_write", layout.documentCallKeys(key), args);
    }

    /** {@code ss_write_many}: several {@code ss_write} calls in one, each answered in its place. */
    public static Call writeMany(List<Call> writes) {
        List<String> keys = new ArrayList<>(writes.size() * 5);
        List<String> args = new ArrayList<>(writes.size() * 12);
        for (Call w : writes) {
            keys.addAll(w.keys());
            args.addAll(w.args());
        }
        return new Call("ss_write_many", keys, args);
    }

    /**
     * {@code ss_jwrite}, the positional form of {@code ss_jop}: {@code OP CHANGE IFREV WID WRITER
     * FEEDMAX MODE HISTMAX HISTAGE SRC}, then the steps.
     */
    public Call jsonSteps(
            String key, String op, String change, Long ifRevision, String wid, Writer writer, List<String> steps) {
        List<String> args = new ArrayList<>(10 + steps.size());
        args.add(op);
        args.add(orNone(change));
        args.add(orNone(ifRevision));
        addWriterArgs(args, wid, writer);
        addHistoryAndSource(args, writer);
        args.addAll(steps);
        return new Call("ss_jwrite", layout.documentCallKeys(key), args);
    }

    /**
     * One link of an {@code ss_chain} (docs/combining.md): its tag ({@code W}, {@code J} or
     * {@code D}) and the arguments of the single call of that form, without a write ID of its own.
     */
    public record ChainLink(String tag, List<String> args) {}

    /** Most links one {@code ss_chain} takes (the function refuses more). */
    public static final int CHAIN_MAX_LINKS = 256;

    /** A chain link in {@code ss_write}'s form (a whole document); {@link #write} without the write ID. */
    public ChainLink chainWrite(
            String key, String op, String doc, String change, Long ifRevision, Long ttlMillis, Writer writer) {
        return new ChainLink(
                "W",
                write(key, op, doc, change, ifRevision, NONE, ttlMillis, writer).args());
    }

    /** A chain link in {@code ss_jwrite}'s form (in-place steps); {@link #jsonSteps} without the write ID. */
    public ChainLink chainSteps(
            String key, String op, String change, Long ifRevision, Writer writer, List<String> steps) {
        List<String> args = new ArrayList<>(11 + steps.size());
        List<String> single =
                jsonSteps(key, op, change, ifRevision, NONE, writer, steps).args();
        args.add(Integer.toString(single.size()));
        args.addAll(single);
        return new ChainLink("J", args);
    }

    /** A chain link deleting the document: {@code OP IFREV WRITER HISTMAX HISTAGE SRC}. */
    public ChainLink chainDelete(Long ifRevision, Writer writer) {
        List<String> args = new ArrayList<>(6);
        args.add("del");
        args.add(orNone(ifRevision));
        args.add(writer.name());
        addHistoryAndSource(args, writer);
        return new ChainLink("D", args);
    }

    /**
     * {@code ss_chain}: KEYS as {@code ss_put}; ARGV the chain's write ID, the number of links,
     * then each link's tag and arguments. Replies one per link ({@link RedisGateway#fcallEach}).
     */
    public Call chain(String key, String chainWid, List<ChainLink> links) {
        int size = 2;
        for (ChainLink l : links) {
            size += 1 + l.args().size();
        }
        List<String> args = new ArrayList<>(size);
        args.add(chainWid);
        args.add(Integer.toString(links.size()));
        for (ChainLink l : links) {
            args.add(l.tag());
            args.addAll(l.args());
        }
        return new Call("ss_chain", layout.documentCallKeys(key), args);
    }

    /** A {@code W} link sent on its own as {@code ss_write}, with a write ID of its own. */
    public Call writeOf(String key, ChainLink link, String wid) {
        if (!link.tag().equals("W")) {
            throw new IllegalArgumentException("only a W link has the form of ss_write, got " + link.tag());
        }
        List<String> args = new ArrayList<>(link.args());
        args.set(4, wid);
        return new Call("ss_write", layout.documentCallKeys(key), args);
    }

    /**
     * A {@code J} link sent on its own as {@code ss_jwrite}, with a write ID of its own (the
     * link's arguments without its count).
     */
    public Call jsonStepsOf(String key, ChainLink link, String wid) {
        if (!link.tag().equals("J")) {
            throw new IllegalArgumentException("only a J link has the form of ss_jwrite, got " + link.tag());
        }
        List<String> args = new ArrayList<>(link.args().subList(1, link.args().size()));
        args.set(3, wid);
        return new Call("ss_jwrite", layout.documentCallKeys(key), args);
    }

    /** Whether a link's reply says it was not applied because an earlier link of its chain failed. */
    public static boolean chainStopped(Object reply) {
        return reply instanceof ErrorReply e
                && e.message() != null
                && e.message().startsWith("SS_CHAINSTOP ");
    }

    /** {@code ss_del}: a tombstone. */
    public Call delete(String key, Long ifRevision, String wid, Writer writer) {
        List<String> args = namedOptions(wid, writer);
        addRevision(args, ifRevision);
        return new Call("ss_del", layout.documentCallKeys(key), args);
    }

    /** {@code ss_ttl}: sets ({@code op} expire) or removes (persist, ttl 0) a document's expiry. */
    public Call ttl(String key, String op, long ttlMillis, Long ifRevision, String wid, Writer writer) {
        List<String> args = namedOptions(wid, writer);
        args.add("op");
        args.add(op);
        args.add("ttl");
        args.add(Long.toString(ttlMillis));
        addRevision(args, ifRevision);
        return new Call("ss_ttl", layout.documentCallKeys(key), args);
    }

    /** {@code ss_put} with named options, as the importer sends it (no write ID: its ledger guards re-runs). */
    public Call put(String key, String op, String doc, Long ifRevision, Long ttlMillis, Writer writer) {
        List<String> args = namedOptions(null, writer);
        args.add("op");
        args.add(op);
        args.add("doc");
        args.add(doc);
        addRevision(args, ifRevision);
        if (ttlMillis != null) {
            args.add("ttl");
            args.add(Long.toString(ttlMillis));
        }
        return new Call("ss_put", layout.documentCallKeys(key), args);
    }

    /**
     * {@code ss_tx}: KEYS feed, index, then document, metadata, history per document; ARGV the
     * writer's options, {@code --}, then {@code OP IFREV TTL VALUE CHANGE} per document.
     */
    public Call transaction(List<TxWrite> writes, Writer writer) {
        String first = writes.get(0).key();
        List<String> keys = new ArrayList<>(2 + writes.size() * 3);
        keys.add(layout.feed(first));
        keys.add(layout.index(first));
        List<String> args = namedOptions(null, writer);
        args.add("--");
        for (TxWrite w : writes) {
            keys.add(w.key());
            keys.add(layout.meta(w.key()));
            keys.add(layout.history(w.key()));
            args.add(w.value() == null ? "del" : "put");
            args.add(Long.toString(w.ifRevision())); // -1: a foreign key, adopted by compare-and-set
            args.add(orNone(w.ttlMillis()));
            args.add(orNone(w.value()));
            args.add(NONE);
        }
        return new Call("ss_tx", keys, args);
    }

    /** {@code ss_reap}: commits the tombstone of a document Redis expired on its own. */
    public Call reap(String key, String writer) {
        return new Call("ss_reap", layout.documentCallKeys(key), List.of("writer", writer));
    }

    /** {@code ss_upgrade}: moves a tagged document's metadata and history from where version 10 kept them. */
    public Call upgrade(String key) {
        return new Call("ss_upgrade", layout.documentCallKeys(key), List.of());
    }

    /** {@code ss_config_set}: the store settings the admin decides for every writer. */
    public Call configure(long feedMaxLength, boolean jsonCheck) {
        return configure(layout.settings(), feedMaxLength, jsonCheck);
    }

    /** {@code ss_config_set} of one settings hash (on a cluster: {@link KeyLayout#settingsOfSlot}). */
    public static Call configure(String settingsKey, long feedMaxLength, boolean jsonCheck) {
        return new Call(
                "ss_config_set",
                List.of(settingsKey),
                List.of("feedmax", Long.toString(feedMaxLength), "jsoncheck", jsonCheck ? "on" : "off"));
    }

    /** The positional forms' WID WRITER FEEDMAX MODE. */
    private static void addWriterArgs(List<String> args, String wid, Writer writer) {
        args.add(wid);
        args.add(writer.name());
        args.add(NONE);
        args.add(writer.mode());
    }

    /** The positional forms' HISTMAX HISTAGE SRC. */
    private static void addHistoryAndSource(List<String> args, Writer writer) {
        HistoryPolicies.ClientRule h = writer.history();
        args.add(h == null ? NONE : Integer.toString(h.versions()));
        args.add(h == null || h.maxAgeMillis() <= 0 ? NONE : Long.toString(h.maxAgeMillis()));
        args.add(orNone(writer.source()));
    }

    /**
     * The named options every write of the general form starts with. The order is part of the
     * call's identity: a write ID is bound to a digest of the arguments, so a re-send must repeat
     * them exactly.
     */
    private static List<String> namedOptions(String wid, Writer writer) {
        List<String> args = new ArrayList<>(20);
        if (wid != null) {
            args.add("wid");
            args.add(wid);
        }
        args.add("writer");
        args.add(writer.name());
        args.add("mode");
        args.add(writer.mode());
        HistoryPolicies.ClientRule h = writer.history();
        if (h != null) {
            args.add("histmax");
            args.add(Integer.toString(h.versions()));
            if (h.maxAgeMillis() > 0) {
                args.add("histage");
                args.add(Long.toString(h.maxAgeMillis()));
            }
        }
        if (writer.source() != null) {
            args.add("src");
            args.add(writer.source());
        }
        return args;
    }

    private static void addRevision(List<String> args, Long ifRevision) {
        if (ifRevision != null) {
            args.add("ifrev");
            args.add(Long.toString(ifRevision));
        }
    }

    private static String orNone(Object value) {
        return value == null ? NONE : value.toString();
    }

    // ---- replies

    /**
     * The error reply of one part of a call that answers each part in its place (ss_write_many,
     * a pipeline, MULTI/EXEC), word for word ({@code SS_CONFLICT ...}): the other parts' outcomes stand.
     */
    public record ErrorReply(String message) {}

    /** A write's reply: the document's new revision and the feed entry's ID. */
    public record Written(long revision, String eventId) {}

    /** {@code [rev, event id, ...]}, the reply of every single-document write. */
    public static Written written(Object reply) {
        List<Object> r = list(reply);
        return new Written(number(r.get(0)), text(r.get(1)));
    }

    /**
     * An {@code ss_get} reply: content (null when absent), revision, times, writer, TTL, Redis type,
     * and whether the key was written outside statestore (since version 11).
     */
    public record DocumentReply(
            String content,
            long revision,
            long createdMs,
            long updatedMs,
            String writer,
            long pttlMs,
            String redisType,
            boolean foreign) {}

    public static DocumentReply document(Object reply) {
        List<Object> r = list(reply);
        return new DocumentReply(
                text(r.get(0)),
                number(r.get(1)),
                millis(r.get(2)),
                millis(r.get(3)),
                text(r.get(4)),
                number(r.get(5)),
                text(r.get(6)),
                r.size() > 7 && number(r.get(7)) == 1);
    }

    private static long millis(Object o) {
        String s = text(o);
        return s == null || s.isEmpty() ? 0 : Long.parseLong(s);
    }

    /** Decodes a bulk reply (bytes or string) as UTF-8 text; null stays null. */
    public static String text(Object reply) {
        if (reply == null) {
            return null;
        }
        if (reply instanceof byte[] bytes) {
            return new String(bytes, StandardCharsets.UTF_8);
        }
        return reply.toString();
    }

    /** An integer reply, or a bulk one holding digits. */
    public static long number(Object reply) {
        if (reply instanceof Long l) {
            return l;
        }
        return Long.parseLong(text(reply));
    }

    /** An array reply, copied. */
    public static List<Object> list(Object reply) {
        if (reply instanceof List<?> l) {
            return new ArrayList<>(l);
        }
        throw new IllegalStateException("expected an array reply, got " + reply);
    }

    /** The keys of an {@code ss_list} page after its cursor. */
    public static List<String> texts(Collection<Object> replies) {
        List<String> out = new ArrayList<>(replies.size());
        for (Object o : replies) {
            out.add(text(o));
        }
        return out;
    }
}
