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
        String tag = null;
        for (String k : keySet) {
            layout.validate(k);
            String t = KeyLayout.hashTag(k);
            if (tag == null) {
                tag = t;
            } else if (!tag.equals(t)) {
                throw new InvalidInputException("transaction keys must share one hash tag such as {group}: \""
                        + keySet.iterator().next() + "\" and \"" + k + "\" do not");
            }
        }
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

    private Map<String, WriteResult> commit(Set<String> keySet, Map<String, StoredDocument> current,
                                            TransactionChanges changes) {
        String first = keySet.iterator().next();
        List<String> callKeys = new ArrayList<>(List.of(layout.feed(first), layout.index(first)));
        List<String> args = calls.commonArgs(keySet, WriteOptions.DEFAULT);
        args.add("--");
        List<String> written = new ArrayList<>();
        for (TransactionChanges.Change c : changes.changes()) {
            if (!keySet.contains(c.key())) {
                throw new InvalidInputException("transaction changes \"" + c.key() + "\", which is not among its keys " + keySet);
            }
            if (written.contains(c.key())) {
                throw new InvalidInputException("transaction changes \"" + c.key() + "\" twice");
            }
            written.add(c.key());
            calls.forget(c.key());
            callKeys.add(c.key());
            callKeys.add(layout.meta(c.key()));
            callKeys.add(layout.history(c.key()));
            long expected = current.get(c.key()).expectedRevision();
            args.add(c.isDelete() ? "del" : "put");
            args.add(Long.toString(expected)); // -1: a foreign key, adopted by compare-and-set
            args.add(c.ttl() == null ? "" : Long.toString(c.ttl().toMillis()));
            args.add(c.value().map(StrictJson::write).orElse(""));
            args.add("");
        }
        List<Object> reply = RedisGateway.list(calls.redis().fcall("ss_tx", callKeys, args, first));
        Map<String, WriteResult> out = new LinkedHashMap<>();
        for (int i = 0; i < written.size(); i++) {
            out.put(written.get(i), WriteCalls.result(written.get(i), reply.get(i), null));
        }
        return out;
    }
}
