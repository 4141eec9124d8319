package io.statestore.client;

import java.util.List;
import java.util.function.UnaryOperator;

/**
 * The last versions of each document (as many and as old as its {@link HistoryPolicy} keeps),
 * and time travel over them. Obtain it with {@link StateStore#history()}; see docs/watch.md.
 */
public interface History {

    /** The kept versions of {@code key}, oldest first; empty when history is off for it. */
    List<HistoryEntry> list(String key);

    /**
     * The document as it was at {@code revision}. {@link NotFoundException} when that revision
     * is no longer (or was never) kept; the entry of a deletion has no document.
     */
    HistoryEntry get(String key, long revision);

    /**
     * Writes the content the document had at {@code revision} as a new revision (op
     * {@code revert}): a normal change with its own event. {@link NotFoundException} when the
     * revision is not kept, {@link InvalidInputException} when it was a deletion.
     */
    WriteResult revert(String key, long revision);

    // ---- the history policy kept in Redis

    /**
     * The history policy kept in Redis, first match wins; empty when none is set (then keys keep
     * no history unless a writer asks for it, e.g. with client-side
     * {@link StateStoreOptions.Builder#historyPolicy}).
     */
    List<HistoryPolicy> policies();

    /**
     * Replaces the history policy kept in Redis, atomically. Every writer's next write follows
     * it (this client, other clients, the CLI, {@code FCALL ss_put} from any language), unless
     * the writer passes its own history length ({@code histmax}), as a client with client-side
     * policies does for the keys they match. An empty list clears it.
     */
    void setPolicies(List<HistoryPolicy> policies);

    /**
     * Changes the history policy kept in Redis without losing a concurrent change: reads the
     * rules, applies {@code change} to them (an unmodifiable list; return a new one) and writes
     * the result only if nobody changed the rules in between; otherwise reads again and applies
     * {@code change} to the new rules. {@code change} may therefore run more than once and should
     * only compute. Returns the rules written. {@link ConflictException} when other changes kept
     * landing first (20 attempts); whatever {@code change} throws is passed on, nothing written.
     */
    List<HistoryPolicy> updatePolicies(UnaryOperator<List<HistoryPolicy>> change);

    /** The policy that applies to this client's writes of {@code key}: its client-side one, else the server's. */
    HistoryPolicy policyFor(String key);
}
