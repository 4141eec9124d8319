package io.statestore.bench;

/**
 * One row of the table: an operation on documents of {@code sizeKb} kilobytes by
 * {@code clients} concurrent clients, each on its own document unless {@code hot}
 * (then all clients update one document).
 */
record Workload(Operation op, int sizeKb, int clients, boolean hot) {

    enum Operation {
        PUT,
        MERGE,
        INCREMENT;

        String label() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    int targetBytes() {
        return sizeKb * 1024;
    }

    /** Number of distinct documents the clients update. */
    int documents() {
        return hot ? 1 : clients;
    }

    /** The document client {@code client} updates. */
    String key(int client) {
        return hot ? "bench:hot:" + sizeKb + "k" : "bench:doc:" + sizeKb + "k:" + client;
    }

    String label() {
        return op.label() + " " + sizeKb + " KB x" + clients + (hot ? " (one hot document)" : "");
    }
}
