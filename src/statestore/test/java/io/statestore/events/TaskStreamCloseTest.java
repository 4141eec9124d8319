package io.statestore.events;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import io.statestore.client.StateStore;
import io.statestore.client.events.TaskChunk;
import io.statestore.client.events.TaskEnd;
import io.statestore.client.events.TaskListener;
import io.statestore.testing.RedisServerExtension;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** A task subscription nobody closed ends with the store, instead of following the task forever. */
class TaskStreamCloseTest {
    @RegisterExtension
    static RedisServerExtension redis = RedisServerExtension.portable();

    @Test
    void closingTheStoreEndsTheFollowerThreadOfAnOpenSubscription() throws Exception {
        StateStore store = redis.newStore();
        store.tasks().subscribe("never-ends", new TaskListener() {
            @Override
            public void onChunk(TaskChunk chunk) {}

            @Override
            public void onEnd(TaskEnd end) {}
        });
        List<Thread> followers = followerThreads("statestore-task-never-ends");
        assertEquals(1, followers.size(), "the follower thread of the subscription");

        store.close();

        Thread follower = followers.get(0);
        follower.join(10_000);
        assertFalse(follower.isAlive(), "the task follower outlived the store");
    }

    private static List<Thread> followerThreads(String name) {
        return Thread.getAllStackTraces().keySet().stream()
                .filter(t -> t.getName().equals(name))
                .toList();
    }
}
