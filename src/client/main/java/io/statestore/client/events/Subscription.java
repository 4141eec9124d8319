package io.statestore.client.events;

/**
 * A running consumer, tail or task subscription on its own thread and connection. Closing it
 * stops the thread (after the event being handled, if any) and waits for it to end.
 */
public interface Subscription extends AutoCloseable {
    /** True until closed, or until the subscription ended on its own (a task stream reached its end). */
    boolean isRunning();

    @Override
    void close();
}
