package io.statestore.bench;

/** A system under test: statestore, plain SET, or the legacy file approach. */
interface Contender extends AutoCloseable {

    /** Short column name. */
    String name();

    /** Resets state (e.g. FLUSHALL) and creates the documents of {@code workload}. */
    void prepare(Workload workload) throws Exception;

    /** The update client {@code client} runs in a loop; called after {@link #prepare}. */
    ClientOp client(Workload workload, int client);

    /** Whether its updates run on the Redis server (whose CPU then counts towards theirs). */
    default boolean usesServer() {
        return true;
    }

    @Override
    void close() throws Exception;
}
