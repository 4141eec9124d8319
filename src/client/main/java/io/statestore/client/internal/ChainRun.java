package io.statestore.client.internal;

import com.fasterxml.jackson.databind.JsonNode;
import io.statestore.client.ConflictException;
import io.statestore.client.StateStoreException;
import io.statestore.client.StorageMode;
import io.statestore.client.spi.FunctionCalls;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;

/**
 * One chain of a document's queued writes (docs/combining.md): builds the links in queue order,
 * sends them as one {@code ss_chain} call and settles each write from its own reply.
 *
 * <p>What a link is computed from: a chain is applied atomically and stops at the first link
 * that fails, so a link that runs has every earlier link of its chain applied just before it.
 * Only the first link can depend on the document as this client last knew it; it carries that
 * revision (or the caller's own) as its compare-and-set. A computed (portable) update after a
 * whole document or a delete is computed from that outcome and needs no check of its own; one
 * after in-place steps, whose outcome this client does not know, waits for the next chain.
 */
final class ChainRun {
    private final WriteCalls calls;
    private final String key;
    private final WriteCombiner.LaneState lane;
    private final int maxRebases;

    /** The document at the current chain position, when known (null: absent). */
    private boolean known;

    private JsonNode doc;
    /** Whether the first link's base was read from the server rather than the cache (decides backoff). */
    private boolean baseRead;
    /** The compare-and-set the first link needs when computed from the base (before any link is added). */
    private Long baseExpected;

    private final List<FunctionCalls.ChainLink> links = new ArrayList<>();
    private final List<CombinedWrite> sent = new ArrayList<>();
    /** Per sent link: the document after it when known as a tree (for the cache), and the result value. */
    private final List<JsonNode[]> outcomes = new ArrayList<>();

    private final List<Integer> lengths = new ArrayList<>();
    /** Writes of this chain to send again (stopped, rebased), then those that never went, in queue order. */
    private final List<CombinedWrite> again = new ArrayList<>();

    private final List<CombinedWrite> waiting = new ArrayList<>();

    private final int slot;

    private ChainRun(WriteCalls calls, String key, WriteCombiner.LaneState lane, int slot) {
        this.slot = slot;
        this.calls = calls;
        this.key = key;
        this.lane = lane;
        this.maxRebases = calls.maxAttempts();
    }

    /** The {@link WriteCombiner.ChainSender} of {@code calls}. */
    static List<CombinedWrite> send(
            WriteCalls calls, String key, List<CombinedWrite> batch, WriteCombiner.LaneState lane, int slot) {
        ChainRun run = new ChainRun(calls, key, lane, slot);
        run.build(batch);
        if (!run.links.isEmpty()) {
            run.sendAndSettle();
        }
        run.decideDeferred();
        run.again.addAll(run.waiting);
        return run.again;
    }

    private void build(List<CombinedWrite> batch) {
        for (CombinedWrite w : batch) {
            if (!waiting.isEmpty()) {
                waiting.add(w); // keep the queue's order: once one waits, those behind it wait too
                continue;
            }
            try {
                if (!add(w)) {
                    waiting.add(w);
                }
            } catch (StateStoreException | IllegalArgumentException e) {
                if (links.isEmpty()) {
                    w.fail(e); // refused by its computation from the document as it is: this write alone
                } else {
                    // computed from what the links before it would leave, which may not apply: decide
                    // in the next chain, from the outcome
                    waiting.add(w);
                }
            }
        }
    }

    /** Adds {@code w}'s link; false when it must wait for the next chain. */
    private boolean add(CombinedWrite w) {
        FunctionCalls.Writer writer = calls.writer(List.of(key), w.opts);
        Long ttl = w.opts.ttl() == null ? null : w.opts.ttl().toMillis();
        switch (w.kind) {
            case PUT -> {
                if (w.ifRevision != null && !links.isEmpty()) {
                    // A compare-and-set behind other links: as a link it would stop the chain when it
                    // fails, and N threads' compare-and-sets of one revision (a hot key's read-
                    // modify-write) would take N round trips to be refused one by one. Decided from
                    // this chain's outcome instead (decideDeferred).
                    deferred.add(w);
                    return true;
                }
                links.add(calls.protocol().chainWrite(key, w.op, w.text, null, w.ifRevision, ttl, writer));
                record(w, new JsonNode[] {null, null}, 0);
                known = true;
                doc = null; // known as text only: parsed only if a computed link follows
                lastPut = w;
            }
            case DELETE -> {
                links.add(calls.protocol().chainDelete(w.ifRevision, writer));
                record(w, new JsonNode[] {null, null}, 0);
                known = true;
                doc = null;
                lastPut = null;
            }
            case UPDATE -> {
                if (w.steps != null && calls.mode() == StorageMode.MODULE && !lane.stringStored()) {
                    links.add(calls.protocol().chainSteps(key, w.op, w.change, w.ifRevision, writer, w.steps));
                    record(w, new JsonNode[] {null, null}, 0);
                    known = false;
                    lastPut = null;
                    return true;
                }
                return addComputed(w, writer, ttl);
            }
            default -> throw new IllegalStateException("unknown write kind " + w.kind);
        }
        return true;
    }

    /** The last whole document added, whose tree is parsed only when a computed link follows it. */
    private CombinedWrite lastPut;

    private boolean addComputed(CombinedWrite w, FunctionCalls.Writer writer, Long ttl) {
        if (links.isEmpty()) {
            // the first link: computed from the document as last known, checked against its revision
            if (!known || (w.ifRevision != null && !w.ifRevision.equals(baseExpected))) {
                WriteCalls.Base base = calls.base(key, w.opts);
                known = true;
                doc = base.document();
                baseRead = !base.cached();
                baseExpected = base.documentRevision();
            }
            if (w.ifRevision != null && !w.ifRevision.equals(baseExpected)) {
                // computed from a document at another revision: it could only ever be refused
                throw new ConflictException(
                        key,
                        OptionalLong.of(baseExpected),
                        "conflict: \"" + key + "\" expected revision " + w.ifRevision + ", current revision "
                                + baseExpected);
            }
        } else if (!known) {
            return false; // after in-place steps: the document is not known here
        } else if (lastPut != null) {
            doc = io.statestore.client.StrictJson.parse(lastPut.text, "document \"" + key + "\"");
            lastPut = null;
        }
        JsonNode[] out = w.compute.apply(doc);
        String text = TreeText.of(out[0]);
        // a link after the first needs no check of ours: the chain stops before it unless all before it applied
        Long ifrev = links.isEmpty() ? baseExpected : w.ifRevision;
        links.add(calls.protocol().chainWrite(key, w.op, text, w.change, ifrev, ttl, writer));
        record(w, out, text.length());
        doc = out[0];
        return true;
    }

    /**
     * Compare-and-sets taken out of this chain ({@link #add}): when every link applied, the
     * document is at the last link's revision, and one that names another revision is refused as
     * the server would refuse it right after the chain; the others go again.
     */
    private void decideDeferred() {
        if (deferred.isEmpty()) {
            return;
        }
        long end = -1;
        if (allApplied) {
            end = FunctionCalls.written(lastReplies.get(lastReplies.size() - 1)).revision();
        }
        for (CombinedWrite w : deferred) {
            if (allApplied && w.ifRevision != end) {
                long current = end;
                long expected = w.ifRevision;
                w.failLater(() -> new ConflictException(
                        key,
                        OptionalLong.of(current),
                        "conflict: \"" + key + "\" expected revision " + expected + ", current revision " + current));
            } else {
                again.add(w);
            }
        }
    }

    private final List<CombinedWrite> deferred = new ArrayList<>();
    /** Whether every sent link applied, and their replies (for {@link #decideDeferred}). */
    private boolean allApplied;

    private List<Object> lastReplies;

    private void record(CombinedWrite w, JsonNode[] outcome, int textLength) {
        sent.add(w);
        outcomes.add(outcome);
        lengths.add(textLength);
    }

    private void sendAndSettle() {
        List<Object> replies;
        try {
            replies = calls.sendChain(key, links, single(), sent.get(0).opts, slot);
        } catch (RuntimeException e) {
            // the call's outcome (unreachable, unknown, or a single call's refusal) is every sent link's;
            // the writes that never went stay queued
            calls.forget(key);
            if (sent.size() == 1) {
                // a lone link goes as its single call, whose refusal (a conflict to rebase) is the link's
                if (settleRefused(sent.get(0), e) && baseRead) {
                    Backoff.pause(sent.get(0).conflicts);
                }
                return;
            }
            for (CombinedWrite w : sent) {
                w.fail(e);
            }
            return;
        }
        boolean rebase = false;
        int lastApplied = -1;
        for (int i = 0; i < sent.size(); i++) {
            CombinedWrite w = sent.get(i);
            Object r = replies.get(i);
            if (!(r instanceof FunctionCalls.ErrorReply e)) {
                JsonNode value = outcomes.get(i)[1];
                if (w.kind == CombinedWrite.Kind.UPDATE && outcomes.get(i)[0] == null) {
                    value = WriteCalls.incrementValue(key, r);
                }
                w.succeed(WriteCalls.result(key, r, value));
                lastApplied = i;
                continue;
            }
            if (FunctionCalls.chainStopped(r)) {
                again.add(w);
                continue;
            }
            rebase |= settleRefused(w, ErrorMapper.fromReply(e.message(), key));
        }
        rememberLast(lastApplied, replies);
        allApplied = lastApplied == sent.size() - 1 && !rebase;
        lastReplies = replies;
        if (rebase) {
            calls.forget(key);
            if (baseRead) {
                Backoff.pause(sent.get(0).conflicts);
            }
        }
    }

    /** Settles a link the server refused with {@code ex}; true when it is to be rebased (another process wrote). */
    private boolean settleRefused(CombinedWrite w, RuntimeException ex) {
        if (ex instanceof StoredAsStringException) {
            lane.markStringStored(); // computed from now on; this write goes again
            again.add(w);
        } else if (ex instanceof ConflictException c && w.ifRevision == null) {
            // another process wrote after the base this client had: compute again from the new state
            if (++w.conflicts >= maxRebases) {
                w.fail(new ConflictException(
                        key,
                        c.currentRevision(),
                        "conflict: \"" + key + "\" kept changing; gave up after " + maxRebases + " attempts"));
            } else {
                again.add(w);
            }
            return true;
        } else {
            w.fail(ex);
        }
        return false;
    }

    /** A chain of one unconditional put or of one delete goes as the plain single call (see {@link WriteCalls#sendChain}). */
    private WriteCalls.Single single() {
        if (sent.size() != 1) {
            return WriteCalls.Single.NO;
        }
        CombinedWrite w = sent.get(0);
        if (w.kind == CombinedWrite.Kind.PUT && w.ifRevision == null) {
            return WriteCalls.Single.PUT;
        }
        return w.kind == CombinedWrite.Kind.DELETE ? WriteCalls.Single.DELETE : WriteCalls.Single.NO;
    }

    /** The cache keeps the document after the last applied link (the links after it wrote nothing) when computed here. */
    private void rememberLast(int lastApplied, List<Object> replies) {
        if (lastApplied < 0) {
            return;
        }
        JsonNode after = outcomes.get(lastApplied)[0];
        if (after == null) {
            calls.forget(key);
        } else {
            calls.remember(
                    key, FunctionCalls.written(replies.get(lastApplied)).revision(), after, lengths.get(lastApplied));
        }
    }
}
