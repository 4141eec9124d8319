package io.statestore.client;

import io.statestore.client.events.Subscription;
import io.statestore.client.events.TaskChunk;
import io.statestore.client.events.TaskEnd;
import io.statestore.client.events.TaskListener;
import io.statestore.client.events.TaskProducer;
import java.time.Duration;
import java.util.function.Consumer;

/**
 * Resumable streams of a long task's output (see docs/events.md). A producer appends chunks and
 * then marks the end; a subscriber arriving at any time reads the task's stream from its start
 * and then waits for new entries from the last ID it saw: every chunk once, in order, then the end.
 */
public interface TaskStreams {

    /** A producer of {@code taskId}'s stream; the stream's TTL is set on its first append and refreshed by each. */
    TaskProducer producer(String taskId, Duration ttl);

    /** Follows a task on its own thread until its end (or close). */
    Subscription subscribe(String taskId, TaskListener listener);

    /**
     * Follows a task on the calling thread: every chunk to {@code onChunk}, then returns the end.
     * Throws {@link UnavailableException} when {@code timeout} passes first (null: wait forever).
     */
    TaskEnd follow(String taskId, Consumer<TaskChunk> onChunk, Duration timeout);

    /** Whether {@code taskId}'s stream exists: the task has started and its stream has not expired. */
    boolean exists(String taskId);
}
