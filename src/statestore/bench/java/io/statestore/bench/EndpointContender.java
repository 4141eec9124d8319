package io.statestore.bench;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.statestore.client.StateStore;
import io.statestore.client.StrictJson;

/**
 * statestore through its public client on one endpoint (a standalone server or a cluster), for
 * the cluster benchmark: the same calls as {@link StateStoreContender}, with the endpoint's own
 * way of emptying it between cells (FLUSHALL on one server, on every primary of a cluster).
 */
final class EndpointContender implements Contender {
    private final String name;
    private final StateStore store;
    private final Runnable flushAll;
    private ObjectNode[] docs;

    EndpointContender(String name, StateStore store, Runnable flushAll) {
        this.name = name;
        this.store = store;
        this.flushAll = flushAll;
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public void prepare(Workload w) {
        flushAll.run();
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
