package io.statestore.daemon.web.tasks;

import io.statestore.client.spi.TaskKeys;
import io.statestore.daemon.redis.RedisAdmin;
import io.statestore.daemon.web.Access;
import io.statestore.daemon.web.WebError;
import io.statestore.daemon.web.WebRequest;
import io.statestore.daemon.web.WebRoutes;
import io.statestore.daemon.web.ops.OpsParams;
import io.statestore.daemon.web.ops.Unavailable;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Semaphore;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.StreamEntryID;
import redis.clients.jedis.params.XReadParams;
import redis.clients.jedis.resps.StreamEntry;

/**
 * The Tasks page's data (docs/dashboard-ops.md): the task streams, and one task's entries after
 * a given ID, for a live tail. A tail either polls with the last ID it has (at most once a
 * second) or long-polls with {@code wait=S}: the call then blocks in {@code XREAD BLOCK} for up
 * to S seconds (at most {@link #MAX_WAIT_S}) until the task writes. A long poll holds a
 * connection of its own, outside the daemon's small admin pool, and at most
 * {@link #MAX_WAITERS} wait at once; beyond that a call answers at once, and the page's next
 * poll comes a second later, so many open pages cannot exhaust the daemon's connections.
 */
public final class TaskRoutes implements WebRoutes {
    static final int DEFAULT_LIMIT = 200;
    static final int MAX_LIMIT = 1000;
    static final int MAX_WAIT_S = 10;
    static final int MAX_WAITERS = 8;

    private final RedisAdmin redis;
    private final TaskKeys keys;
    private final Semaphore waiters = new Semaphore(MAX_WAITERS);

    /** @param redis the daemon's admin connections; @param prefix the store's key prefix ({@code redis.keyPrefix}) */
    public TaskRoutes(RedisAdmin redis, String prefix) {
        this.redis = redis;
        this.keys = new TaskKeys(prefix);
    }

    @Override
    public void register(Registry registry) {
        registry.get("/tasks", Access.READER, Unavailable.as503(r -> redis.with(j -> TaskCatalog.list(j, keys))));
        registry.get("/tasks/{id}/entries", Access.READER, Unavailable.as503(this::entries));
    }

    /** {@code ?after=ID&limit=N&wait=S}: entries after ID (all from the start without it). */
    TaskViews.Entries entries(WebRequest request) throws InterruptedException {
        String id = OpsParams.name(request.pathParam("id"), "task ID");
        String key = keys.key(id);
        String after = OpsParams.streamId(request, "after").orElse("0-0");
        int limit = OpsParams.intParam(request, "limit", DEFAULT_LIMIT, 1, MAX_LIMIT);
        int waitS = OpsParams.intParam(request, "wait", 0, 0, MAX_WAIT_S);
        StreamEntry last = redis.with(j -> {
            List<StreamEntry> l = j.xrevrange(key, "+", "-", 1);
            return l.isEmpty() ? null : l.get(0);
        });
        if (last == null) {
            throw new WebError(
                    404, "no task \"" + id + "\": it has not started, or its output expired (its stream's TTL passed)");
        }
        List<StreamEntry> read = redis.with(j -> read(j, key, after, limit, 0));
        boolean caughtUp = read.isEmpty() && !TaskEntries.state(last).equals("running");
        if (read.isEmpty() && waitS > 0 && !caughtUp && waiters.tryAcquire()) {
            try (Jedis blocking = redis.dedicated((waitS + 5) * 1000)) {
                read = read(blocking, key, after, limit, waitS * 1000);
            } finally {
                waiters.release();
            }
        }
        List<TaskViews.Entry> entries = new ArrayList<>();
        read.forEach(e -> entries.add(TaskEntries.view(e)));
        boolean ended = caughtUp
                || (!entries.isEmpty() && entries.get(entries.size() - 1).kind().equals("end"));
        // the task's state now; "ended" says whether this caller has read up to its end
        String state = ended && !caughtUp ? entries.get(entries.size() - 1).status() : TaskEntries.state(last);
        String next =
                entries.isEmpty() ? after : entries.get(entries.size() - 1).id();
        return new TaskViews.Entries(id, entries, next, ended, state);
    }

    private static List<StreamEntry> read(Jedis j, String key, String after, int limit, int blockMs) {
        XReadParams params = XReadParams.xReadParams().count(limit);
        if (blockMs > 0) {
            params.block(blockMs);
        }
        var reply = j.xread(params, Map.of(key, new StreamEntryID(after.contains("-") ? after : after + "-0")));
        return reply == null || reply.isEmpty() ? List.of() : reply.get(0).getValue();
    }
}
