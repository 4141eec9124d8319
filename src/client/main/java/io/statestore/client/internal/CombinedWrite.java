package io.statestore.client.internal;

import io.statestore.client.WriteOptions;
import io.statestore.client.WriteResult;
import java.util.List;
import java.util.function.Supplier;

/**
 * One caller's write to a document, queued for flat combining ({@link WriteCombiner},
 * docs/combining.md), and once settled its outcome. The caller's thread parks until then, or
 * becomes the combiner and sends chains itself.
 */
final class CombinedWrite {
    enum Kind {
        /** A whole document (put, create). */
        PUT,
        DELETE,
        /** A partial update: module-mode steps and/or a computation of the new document. */
        UPDATE
    }

    final Kind kind;
    final String op;
    final String change;
    final WriteOptions opts;
    /** The caller's compare-and-set (create: 0), or null: a conflict is then ours to resolve. */
    final Long ifRevision;
    /** PUT: the document's text. */
    final String text;
    /** UPDATE in module mode: the in-place steps, or null when they cannot express it. */
    final List<String> steps;
    /** UPDATE: the new document (and a result value) from the current one. */
    final WriteCalls.Computation compute;

    final Thread caller = Thread.currentThread();
    /** Conflicts met because the document changed under a base this client read: the rebase count. */
    int conflicts;

    private WriteResult result;
    private RuntimeException error;
    private Supplier<RuntimeException> lateError;
    volatile boolean done;
    volatile boolean combiner;

    private CombinedWrite(
            Kind kind,
            String op,
            String change,
            WriteOptions opts,
            Long ifRevision,
            String text,
            List<String> steps,
            WriteCalls.Computation compute) {
        this.kind = kind;
        this.op = op;
        this.change = change;
        this.opts = opts;
        this.ifRevision = ifRevision;
        this.text = text;
        this.steps = steps;
        this.compute = compute;
    }

    static CombinedWrite put(String op, String text, WriteOptions opts, Long ifRevision) {
        return new CombinedWrite(Kind.PUT, op, null, opts, ifRevision, text, null, null);
    }

    static CombinedWrite delete(WriteOptions opts) {
        return new CombinedWrite(Kind.DELETE, "del", null, opts, revisionOf(opts), null, null, null);
    }

    static CombinedWrite update(
            String op, String change, WriteOptions opts, List<String> steps, WriteCalls.Computation compute) {
        return new CombinedWrite(Kind.UPDATE, op, change, opts, revisionOf(opts), null, steps, compute);
    }

    private static Long revisionOf(WriteOptions opts) {
        return opts.expectedRevision().isPresent() ? opts.expectedRevision().getAsLong() : null;
    }

    /** Settled: these two are written before {@code done} and read after it (volatile). */
    void succeed(WriteResult r) {
        result = r;
    }

    void fail(RuntimeException e) {
        error = e;
    }

    /**
     * Fails with an exception the caller's own thread makes when it collects the outcome: its
     * stack trace is then the caller's rather than the combiner's, and the combiner, whom the
     * lane's other writers wait for, does not fill in a stack trace per refused write.
     */
    void failLater(Supplier<RuntimeException> e) {
        lateError = e;
    }

    boolean settled() {
        return result != null || error != null || lateError != null;
    }

    WriteResult outcome() {
        if (error != null) {
            throw error;
        }
        if (lateError != null) {
            throw lateError.get();
        }
        return result;
    }
}
