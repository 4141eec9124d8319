package io.statestore.client.events;

/**
 * Writes one task's output. Each call refreshes the task stream's TTL. After {@link #done} or
 * {@link #failed} nothing more can be appended.
 */
public interface TaskProducer {
    String taskId();

    /** Appends a chunk; returns its entry ID. */
    String append(String text);

    void done(String message);

    void failed(String error);
}
