package io.statestore.bench;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.statestore.client.StateStore;
import io.statestore.client.StrictJson;

/** statestore through its public client API: put, merge and increment. */
final class StateStoreContender implements Contender {
    private final StateStore store;
    private final BenchRedis admin;
    private ObjectNode[] docs;

    StateStoreContender(StateStore store, BenchRedis admin) {
        this.store = store;
        this.admin = admin;
    }

    @Override
    public String name() {
        return "statestore";
    }

    @Override
    public void prepare(Workload w) {
        admin.flushAll();
        docs = new ObjectNode[w.clients()];
        for (int c = 0; c < w.clients(); c++) {
            docs[c] = Documents.generate(w.targetBytes(), c, StrictJson.mapper());
        }
        for (int d = 0; d < w.documents(); d++) {
            store.put(w.key(d), docs[d]);
        }
    }

    @Override
    public ClientOp client(Workload w, int client) {
        String key = w.key(client);
        ObjectNode doc = docs[client];
        return switch (w.op()) {
            case PUT ->
                seq -> {
                    doc.put("seq", seq);
                    store.put(key, doc);
                };
            case MERGE -> seq -> store.merge(key, Documents.patch(client, seq));
            case INCREMENT -> seq -> store.increment(key, Documents.COUNTER_PATH, 1);
        };
    }

    StateStore store() {
        return store;
    }

    @Override
    public void close() {
        store.close();
    }
}
