package io.statestore.client;

import java.util.Map;

/** A separate JVM that alternates increments and merges on one document (for lost-update tests). */
public final class WriterProcess {
    private WriterProcess() {}

    public static void main(String[] args) {
        String uri = args[0];
        String key = args[1];
        int operations = Integer.parseInt(args[2]);
        String id = args[3];
        try (StateStore store = StateStore.connect(
                StateStoreOptions.builder().uri(uri).writer("proc-" + id).build())) {
            for (int i = 0; i < operations; i++) {
                if (i % 2 == 0) {
                    store.increment(key, "$.counter", 1);
                } else {
                    store.merge(key, Map.of("p" + id, i));
                }
            }
        }
    }
}
