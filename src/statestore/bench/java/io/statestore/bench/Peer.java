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

    @Override
    void close() throws Exception;
}
