package io.statestore.bench;

/** One client's update, run in a loop by one thread; {@code seq} counts that client's calls. */
@FunctionalInterface
interface ClientOp {
    void run(long seq) throws Exception;
}
