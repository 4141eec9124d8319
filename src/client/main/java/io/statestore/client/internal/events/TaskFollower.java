package io.statestore.client.internal.events;

import io.statestore.client.events.TaskChunk;
import io.statestore.client.events.TaskEnd;
import io.statestore.client.events.TaskListener;
import io.statestore.client.spi.RedisGateway;
import java.util.List;
import java.util.Map;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.StreamEntryID;
import redis.clients.jedis.params.XReadParams;
import redis.clients.jedis.resps.StreamEntry;

/**
 * Reads a task stream from its start, then blocks for new entries after the last ID seen: one
 * cursor for the past and the live part, so nothing falls between them and nothing comes twice.
 */
final class TaskFollower extends Worker {
    private final String taskId;
    private final String stream;
    private final TaskListener listener;
    private StreamEntryID lastId = new StreamEntryID(0, 0);

    TaskFollower(RedisGateway redis, String taskId, String stream, TaskListener listener) {
        super(redis, "statestore-task-" + taskId, stream);
        this.taskId = taskId;
        this.stream = stream;
        this.listener = listener;
    }

    @Override
    boolean step(Jedis conn) {
        List<Map.Entry<String, List<StreamEntry>>> got =
                conn.xread(XReadParams.xReadParams().count(500).block(500), Map.of(stream, lastId));
        if (got == null) {
            return true;
        }
        for (Map.Entry<String, List<StreamEntry>> s : got) {
            for (StreamEntry e : s.getValue()) {
                lastId = e.getID();
                Map<String, String> f = e.getFields();
                if (f.containsKey("end")) {
                    listener.onEnd(new TaskEnd(taskId, lastId.toString(), f.get("end"), f.getOrDefault("msg", "")));
                    return false;
                }
                listener.onChunk(new TaskChunk(taskId, lastId.toString(), f.getOrDefault("c", "")));
                if (!running()) {
                    return false;
                }
            }
        }
        return true;
    }
}
