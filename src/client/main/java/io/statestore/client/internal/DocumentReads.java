package io.statestore.client.internal;

import io.statestore.client.spi.FunctionCalls;
import io.statestore.client.spi.KeyLayout;
import io.statestore.client.spi.RedisGateway;
import io.statestore.client.spi.SlotTags;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Reads documents with their metadata ({@code ss_get}, {@code ss_mget}): what the store, history, watch and transactions share. */
final class DocumentReads {
    private final RedisGateway redis;
    private final KeyLayout layout;
    private final FunctionCalls protocol;

    /** Null when reads are not combined: each read is its own call. */
    private final ReadCombiner combiner;

    /** @param combine whether concurrent reads of one document share calls ({@link ReadCombiner}) */
    DocumentReads(RedisGateway redis, KeyLayout layout, boolean combine) {
        this.redis = redis;
        this.layout = layout;
        this.protocol = new FunctionCalls(layout);
        this.combiner = combine ? new ReadCombiner(this::readAlone) : null;
    }

    /**
     * The document as it is at some moment after this call began (linearizable): every caller
     * goes through here, since a combined read is never one sent before its caller began.
     */
    StoredDocument read(String key) {
        layout.validate(key);
        return combiner == null ? readAlone(key) : combiner.read(key);
    }

    private StoredDocument readAlone(String key) {
        return StoredDocument.fromReply(key, redis.fcallReadOnly(protocol.get(key), key));
    }

    /** The read combiner, null when off (for tests). */
    ReadCombiner combiner() {
        return combiner;
    }

    Map<String, StoredDocument> readMany(Collection<String> keys) {
        Map<String, StoredDocument> out = new LinkedHashMap<>();
        if (keys.isEmpty()) {
            return out;
        }
        List<String> distinct = keys.stream().distinct().toList();
        for (String k : distinct) {
            layout.validate(k);
        }
        // On a cluster one call may read one slot only: one ss_mget per slot, answered in key order.
        Map<Integer, List<String>> groups = new LinkedHashMap<>();
        for (String k : distinct) {
            groups.computeIfAbsent(layout.perSlot() ? SlotTags.slot(k) : 0, s -> new ArrayList<>())
                    .add(k);
        }
        Map<String, StoredDocument> found = new java.util.HashMap<>();
        for (List<String> group : groups.values()) {
            List<Object> reply = FunctionCalls.list(redis.fcallReadOnly(protocol.mget(group), group.get(0)));
            for (int i = 0; i < group.size(); i++) {
                found.put(group.get(i), StoredDocument.fromReply(group.get(i), reply.get(i)));
            }
        }
        for (String k : distinct) {
            out.put(k, found.get(k));
        }
        return out;
    }
}
