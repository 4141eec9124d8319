package io.statestore.client.internal.events;

import io.statestore.client.Durations;
import io.statestore.client.InvalidInputException;
import io.statestore.client.TaskStreams;
import io.statestore.client.UnavailableException;
import io.statestore.client.events.Subscription;
import io.statestore.client.events.TaskChunk;
import io.statestore.client.events.TaskEnd;
import io.statestore.client.events.TaskListener;
import io.statestore.client.events.TaskProducer;
import io.statestore.client.spi.FunctionCalls;
import io.statestore.client.spi.RedisGateway;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;

/** Task streams: {@code ev_task} appends (TTL refreshed each time), {@link TaskFollower} reads. */
public final class DefaultTaskStreams implements TaskStreams {
    private final RedisGateway redis;
    private final EventKeys keys;
    private final Workers followers = new Workers();

    public DefaultTaskStreams(RedisGateway redis, String prefix) {
        this.redis = redis;
        this.keys = new EventKeys(prefix);
    }

    @Override
    public TaskProducer producer(String taskId, Duration ttl) {
        String key = keys.task(taskId);
        if (ttl == null || ttl.isNegative() || ttl.isZero()) {
            throw new InvalidInputException("a task stream needs a positive TTL");
        }
        String ttlMs = Long.toString(ttl.toMillis());
        return new TaskProducer() {
            @Override
            public String taskId() {
                return taskId;
            }

            @Override
            public String append(String text) {
                return FunctionCalls.text(redis.fcall("ev_task", List.of(key), List.of("chunk", text, ttlMs), taskId));
            }

            @Override
            public void done(String message) {
                redis.fcall(
                        "ev_task", List.of(key), List.of("end", "done", message == null ? "" : message, ttlMs), taskId);
            }

            @Override
            public void failed(String error) {
                redis.fcall(
                        "ev_task", List.of(key), List.of("end", "failed", error == null ? "" : error, ttlMs), taskId);
            }
        };
    }

    @Override
    public Subscription subscribe(String taskId, TaskListener listener) {
        return followers.start(new TaskFollower(redis, taskId, keys.task(taskId), listener));
    }

    /** Ends the subscriptions still following: they read on the store's connections, which close next. */
    public void close() {
        followers.closeAll();
    }

    @Override
    public boolean exists(String taskId) {
        String key = keys.task(taskId);
        return redis.call(j -> j.exists(key), key, false);
    }

    @Override
    public TaskEnd follow(String taskId, Consumer<TaskChunk> onChunk, Duration timeout) {
        CompletableFuture<TaskEnd> end = new CompletableFuture<>();
        try (Subscription s = subscribe(taskId, new TaskListener() {
            @Override
            public void onChunk(TaskChunk chunk) {
                onChunk.accept(chunk);
            }

            @Override
            public void onEnd(TaskEnd e) {
                end.complete(e);
            }
        })) {
            return timeout == null ? end.get() : end.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            throw new UnavailableException(
                    "task " + taskId + " did not end within " + Durations.format(timeout), false, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new UnavailableException("interrupted while following task " + taskId, false, e);
        } catch (ExecutionException e) {
            throw new IllegalStateException(e.getCause());
        }
    }
}
