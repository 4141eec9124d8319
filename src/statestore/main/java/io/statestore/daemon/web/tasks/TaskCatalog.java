package io.statestore.daemon.web.tasks;

import io.statestore.client.spi.TaskKeys;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.Pipeline;
import redis.clients.jedis.Response;
import redis.clients.jedis.params.ScanParams;
import redis.clients.jedis.resps.ScanResult;
import redis.clients.jedis.resps.StreamEntry;

/**
 * Lists task streams. Tasks have no index (each is one stream with a TTL, so an index would
 * outlive them), so this walks the keyspace with {@code SCAN MATCH <prefix>task:{*} TYPE stream}
 * — incremental, never {@code KEYS} — and stops at {@link #MAX_TASKS}. On Redis Cluster SCAN
 * sees one node's keys only; the daemon's connection is to one node, so the list is that node's.
 */
final class TaskCatalog {
    static final int MAX_TASKS = 1000;
    private static final int SCAN_COUNT = 1000;

    private TaskCatalog() {}

    static TaskViews.TaskList list(Jedis j, TaskKeys keys) {
        Set<String> found = new LinkedHashSet<>(); // SCAN may return a key twice
        String cursor = ScanParams.SCAN_POINTER_START;
        ScanParams params = new ScanParams().match(keys.scanPattern()).count(SCAN_COUNT);
        boolean truncated = false;
        do {
            ScanResult<String> page = j.scan(cursor, params, "stream");
            cursor = page.getCursor();
            for (String key : page.getResult()) {
                if (found.size() == MAX_TASKS) {
                    truncated = true;
                    break;
                }
                if (keys.taskId(key) != null) {
                    found.add(key);
                }
            }
        } while (!truncated && !cursor.equals(ScanParams.SCAN_POINTER_START));
        List<TaskViews.Task> tasks = describe(j, keys, found);
        return new TaskViews.TaskList(
                tasks.stream()
                        .sorted(Comparator.comparingLong(TaskViews.Task::lastEntryMs)
                                .reversed())
                        .toList(),
                truncated);
    }

    /** One pipelined round trip for all tasks: length, first and last entry, TTL. */
    private static List<TaskViews.Task> describe(Jedis j, TaskKeys keys, Set<String> found) {
        record Pending(
                String key,
                Response<Long> length,
                Response<List<StreamEntry>> first,
                Response<List<StreamEntry>> last,
                Response<Long> ttl) {}
        List<Pending> pending = new ArrayList<>();
        try (Pipeline p = j.pipelined()) {
            for (String key : found) {
                pending.add(new Pending(
                        key, p.xlen(key), p.xrange(key, "-", "+", 1), p.xrevrange(key, "+", "-", 1), p.pttl(key)));
            }
            p.sync();
        }
        List<TaskViews.Task> out = new ArrayList<>();
        for (Pending t : pending) {
            List<StreamEntry> first = t.first().get();
            List<StreamEntry> last = t.last().get();
            if (last == null || last.isEmpty()) {
                continue; // expired between the SCAN and the reads
            }
            StreamEntry end = last.get(0);
            String state = TaskEntries.state(end);
            out.add(new TaskViews.Task(
                    keys.taskId(t.key()),
                    t.length().get(),
                    first.get(0).getID().getTime(),
                    end.getID().getTime(),
                    state,
                    state.equals("running") ? null : end.getFields().getOrDefault("msg", ""),
                    t.ttl().get()));
        }
        return out;
    }
}
