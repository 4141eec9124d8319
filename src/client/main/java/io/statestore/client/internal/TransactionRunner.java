package io.statestore.client.internal;

import com.fasterxml.jackson.databind.JsonNode;
import io.statestore.client.ConflictException;
import io.statestore.client.Document;
import io.statestore.client.InvalidInputException;
import io.statestore.client.StateStoreOptions;
import io.statestore.client.StrictJson;
import io.statestore.client.TransactionBody;
import io.statestore.client.TransactionChanges;
import io.statestore.client.WriteOptions;
import io.statestore.client.WriteResult;
import io.statestore.client.spi.FunctionCalls;
import io.statestore.client.spi.KeyLayout;
import io.statestore.client.spi.SlotTags;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** Read, decide, commit-all-or-nothing with {@code ss_tx}; retried while other writers interfere. */
final class TransactionRunner {
    private final DocumentReads documents;
    private final WriteCalls calls;
    private final KeyLayout layout;
    private final StateStoreOptions options;

    TransactionRunner(DocumentReads documents, WriteCalls calls, KeyLayout layout, StateStoreOptions options) {
        this.documents = documents;
        this.calls = calls;
        this.layout = layout;
        this.options = options;
    }

    Map<String, WriteResult> run(Collection<String> keys, TransactionBody body) {
        Set<String> keySet = new LinkedHashSet<>(keys);
        if (keySet.isEmpty()) {
            throw new InvalidInputException("a transaction needs at least one key");
        }
        for (String k : keySet) {
            layout.validate(k);
        }
        checkOneGroup(keySet);
        for (int attempt = 1; ; attempt++) {
            Map<String, StoredDocument> current = documents.readMany(keySet);
            Map<String, Document<JsonNode>> view = new LinkedHashMap<>();
            current.forEach((k, s) -> s.toDocument().ifPresent(d -> view.put(k, d)));
            TransactionChanges changes = new TransactionChanges();
            body.apply(view, changes);
            if (changes.changes().isEmpty()) {
                return Map.of();
            }
            try {
                return commit(keySet, current, changes);
            } catch (ConflictException e) {
                if (attempt >= options.maxAttempts()) {
                    throw e;
                }
                Backoff.pause(attempt);
            }
        }
    }

    /**
     * One transaction is one function call, and on Redis Cluster a call may touch one hash slot
     * only; the keys must share a hash tag (which puts them in one slot) on every server, so that
     * a transaction that works on one server works on a cluster too. Checked before anything is
     * read or written; the message names each key and its slot, and how to group them.
     */
    static void checkOneGroup(Set<String> keys) {
        Set<String> tags = new LinkedHashSet<>();
        for (String k : keys) {
            tags.add(KeyLayout.hashTag(k));
        }
        if (tags.size() <= 1) {
            return;
        }
        StringBuilder each = new StringBuilder();
        StringBuilder renamed = new StringBuilder();
        for (String k : keys) {
            each.append(each.length() == 0 ? "" : ", ")
                    .append('"')
                    .append(k)
                    .append("\" (hash slot ")
                    .append(SlotTags.slot(k))
                    .append(')');
            renamed.append(renamed.length() == 0 ? "" : ", ")
                    .append(KeyLayout.hasTag(k) ? k.replaceFirst("\\{[^{}]+}", "{group}") : "{group}" + k);
        }
        throw new InvalidInputException(
                "a transaction's keys must share one hash tag, which keeps them in one hash slot"
                        + " (Redis Cluster runs one call on one slot): " + each
                        + " do not; name the documents that change together"
                        + " with a common {group} tag, e.g. " + renamed + "; nothing was written");
    }

    private Map<String, WriteResult> commit(
            Set<String> keySet, Map<String, StoredDocument> current, TransactionChanges changes) {
        String first = keySet.iterator().next();
        List<FunctionCalls.TxWrite> txWrites = new ArrayList<>();
        List<String> written = new ArrayList<>();
        for (TransactionChanges.Change c : changes.changes()) {
            if (!keySet.contains(c.key())) {
                throw new InvalidInputException(
                        "transaction changes \"" + c.key() + "\", which is not among its keys " + keySet);
            }
            if (written.contains(c.key())) {
                throw new InvalidInputException("transaction changes \"" + c.key() + "\" twice");
            }
            written.add(c.key());
            calls.forget(c.key());
            txWrites.add(new FunctionCalls.TxWrite(
                    c.key(),
                    current.get(c.key()).expectedRevision(),
                    c.ttl() == null ? null : c.ttl().toMillis(),
                    c.isDelete() ? null : c.value().map(StrictJson::write).orElse("")));
        }
        FunctionCalls.Call tx = calls.protocol().transaction(txWrites, calls.writer(keySet, WriteOptions.DEFAULT));
        List<Object> reply = FunctionCalls.list(calls.redis().fcall(tx, first));
        Map<String, WriteResult> out = new LinkedHashMap<>();
        for (int i = 0; i < written.size(); i++) {
            out.put(written.get(i), WriteCalls.result(written.get(i), reply.get(i), null));
        }
        return out;
    }
}
