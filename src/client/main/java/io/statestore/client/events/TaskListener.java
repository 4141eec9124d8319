package io.statestore.client.events;

/** Receives a task's chunks in order, then its end (at most once). Runs on the subscription's thread. */
public interface TaskListener {
    void onChunk(TaskChunk chunk);

    void onEnd(TaskEnd end);

    /** The subscription stopped because of a failure it could not recover from (not called on close). */
    default void onError(RuntimeException e) {}
}
