package io.statestore.client.internal;

import com.fasterxml.jackson.databind.JsonNode;
import io.statestore.client.ConflictException;
import io.statestore.client.History;
import io.statestore.client.HistoryEntry;
import io.statestore.client.HistoryPolicy;
import io.statestore.client.InvalidInputException;
import io.statestore.client.NotFoundException;
import io.statestore.client.WriteOptions;
import io.statestore.client.WriteResult;
import io.statestore.client.spi.KeyLayout;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.function.UnaryOperator;

/** History and time travel over the per-document history stream (docs/watch.md). */
final class DefaultHistory implements History {
    private final DocumentReads documents;
    private final HistoryReads reads;
    private final WriteCalls calls;
    private final KeyLayout layout;
    /** Re-reads before giving up: each retry means another administrator's change did land. */
    private static final int UPDATE_ATTEMPTS = 20;

    private final HistoryPolicies policies;

    DefaultHistory(
            DocumentReads documents, HistoryReads reads, WriteCalls calls, KeyLayout layout, HistoryPolicies policies) {
        this.policies = policies;
        this.documents = documents;
        this.reads = reads;
        this.calls = calls;
        this.layout = layout;
    }

    @Override
    public List<HistoryEntry> list(String key) {
        layout.validate(key);
        return reads.all(key);
    }

    @Override
    public HistoryEntry get(String key, long revision) {
        layout.validate(key);
        if (revision < 1) {
            throw new InvalidInputException("revision of \"" + key + "\" must be at least 1, got " + revision);
        }
        List<HistoryEntry> kept = reads.all(key);
        for (HistoryEntry e : kept) {
            if (e.revision() == revision) {
                if (e.document().isEmpty() && !e.isDeletion()) {
                    throw new NotFoundException(
                            key,
                            "not found: the content of \"" + key + "\" at revision " + revision + " (a " + e.op()
                                    + ") is no longer kept");
                }
                return e;
            }
        }
        // Not in history (history off, or trimmed): the current document still answers for its own revision.
        StoredDocument current = documents.read(key);
        if (current.exists() && current.revision() == revision) {
            return new HistoryEntry(
                    key,
                    revision,
                    "current",
                    current.writer() == null ? "" : current.writer(),
                    java.time.Instant.ofEpochMilli(current.updatedMs()),
                    Optional.of(current.json()));
        }
        String kept0 = kept.isEmpty()
                ? "no history is kept"
                : "history keeps revisions " + kept.get(0).revision() + ".."
                        + kept.get(kept.size() - 1).revision();
        throw new NotFoundException(
                key,
                "not found: revision " + revision + " of \"" + key + "\" is not kept (" + kept0 + ", current revision "
                        + current.revision() + ")");
    }

    @Override
    public List<HistoryPolicy> policies() {
        return policies.server();
    }

    @Override
    public void setPolicies(List<HistoryPolicy> list) {
        if (list == null || list.stream().anyMatch(java.util.Objects::isNull)) {
            throw new InvalidInputException("history policies must not be null");
        }
        policies.setServer(list);
    }

    @Override
    public List<HistoryPolicy> updatePolicies(UnaryOperator<List<HistoryPolicy>> change) {
        if (change == null) {
            throw new InvalidInputException("updatePolicies needs a change");
        }
        for (int attempt = 1; ; attempt++) {
            HistoryPolicies.Versioned current = policies.serverVersioned();
            List<HistoryPolicy> next = change.apply(current.rules());
            if (next == null || next.stream().anyMatch(java.util.Objects::isNull)) {
                throw new InvalidInputException("history policies must not be null");
            }
            if (policies.setServerIf(current.version(), next)) {
                return List.copyOf(next);
            }
            if (attempt == UPDATE_ATTEMPTS) {
                throw new ConflictException(
                        null,
                        OptionalLong.empty(),
                        "conflict: the history policy was changed by someone else " + UPDATE_ATTEMPTS
                                + " times while this change was applied; nothing was written");
            }
        }
    }

    @Override
    public HistoryPolicy policyFor(String key) {
        layout.validate(key);
        return policies.effective(key);
    }

    @Override
    public WriteResult revert(String key, long revision) {
        HistoryEntry e = get(key, revision);
        JsonNode doc = e.document()
                .orElseThrow(() -> new InvalidInputException(
                        "cannot revert \"" + key + "\" to revision " + revision + ": it was a deletion; use delete()"));
        return calls.putWhole(key, "revert", TreeText.of(doc), null, WriteOptions.DEFAULT, null, null);
    }
}
