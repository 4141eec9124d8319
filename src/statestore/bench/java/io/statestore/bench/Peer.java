package io.statestore.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.function.Consumer;

/**
 * One system of the peers benchmark (statestore, etcd, NATS KV), with the server it started and a
 * client connected to it. Keys are given as logical names with dots ({@code c3}, {@code w.17});
 * each peer spells them its own way.
 */
interface Peer extends AutoCloseable {
    /** The column title. */
    String name();

    /** Who fsyncs before acknowledging a write, in one line. */
    String durability();

    /** The server's process ID, for its CPU time. */
    long serverPid();

    /** Writes the whole document, unconditionally. */
    void put(String name, ObjectNode doc) throws Exception;

    /**
     * Reads the document, lets {@code change} modify the parsed copy and writes it back only if
     * nobody wrote it in between; false when someone did (a conflict, not an error).
     */
    boolean compareAndSet(String name, Consumer<ObjectNode> change) throws Exception;

    /** Calls {@code onValue} with every document written under {@code group} (names "group.*") from now on. */
    AutoCloseable watch(String group, Consumer<JsonNode> onValue) throws Exception;

    /**
     * Brings the system to the state it keeps once it has run for a while, before anything is
     * measured: statestore's change feed filled to its configured length (below it, every append
     * grows the server's memory, which costs far more than appending to a feed that is trimmed as it
     * grows: docs/benchmarks.md). Nothing for a system without such a log.
     *
     * @param doc     the benchmark's document, so the feed holds entries of the measured size
     * @param threads writers to fill it with
     * @return what was done, for the run's header; empty when nothing was needed
     */
    default String steadyState(ObjectNode doc, int threads) throws Exception {
        return "";
    }

    @Override
    void close() throws Exception;
}
