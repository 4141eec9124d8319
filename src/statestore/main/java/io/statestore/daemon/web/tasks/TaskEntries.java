package io.statestore.daemon.web.tasks;

import java.util.Map;
import redis.clients.jedis.resps.StreamEntry;

/** Reads a task stream's entries as {@code ev_task} writes them: {@code c=TEXT}, or last {@code end=STATUS msg=TEXT}. */
final class TaskEntries {
    private TaskEntries() {}

    static TaskViews.Entry view(StreamEntry e) {
        Map<String, String> f = e.getFields();
        String id = e.getID().toString();
        long time = e.getID().getTime();
        if (f.containsKey("end")) {
            return new TaskViews.Entry(id, time, "end", null, f.get("end"), f.getOrDefault("msg", ""));
        }
        return new TaskViews.Entry(id, time, "chunk", f.getOrDefault("c", ""), null, null);
    }

    /** {@code running}, or how the task ended when {@code last} is its end entry. */
    static String state(StreamEntry last) {
        return last != null && last.getFields().containsKey("end")
                ? last.getFields().get("end")
                : "running";
    }
}
