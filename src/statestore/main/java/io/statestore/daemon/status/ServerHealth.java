package io.statestore.daemon.status;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import redis.clients.jedis.Jedis;

/**
 * What the server says about its persistence and memory ({@code INFO persistence},
 * {@code INFO memory}, and, when the user may, {@code CONFIG GET} of the save settings), and the
 * problems that follow from it, one sentence each: writes refused for a disk error (MISCONF),
 * memory over {@code maxmemory} (OOM), an eviction policy other than {@code noeviction}. Read
 * only: every command here is answered under OOM and MISCONF.
 */
public record ServerHealth(Map<String, String> info, Map<String, String> config) {
    public static final String NOEVICTION = "noeviction";

    public static ServerHealth read(Jedis j) {
        Map<String, String> info = new HashMap<>();
        parse(j.info("persistence"), info);
        parse(j.info("memory"), info);
        Map<String, String> config = new HashMap<>();
        try {
            config.putAll(j.configGet("stop-writes-on-bgsave-error"));
            config.putAll(j.configGet("save"));
            config.putAll(j.configGet("dir"));
        } catch (RuntimeException e) {
            // CONFIG refused (a role without it, a managed server): the problems say less
        }
        return new ServerHealth(info, config);
    }

    static void parse(String text, Map<String, String> into) {
        for (String line : text.split("\r?\n")) {
            int colon = line.indexOf(':');
            if (colon > 0 && !line.startsWith("#")) {
                into.put(line.substring(0, colon), line.substring(colon + 1).strip());
            }
        }
    }

    public boolean aofEnabled() {
        return "1".equals(info.get("aof_enabled"));
    }

    public long usedMemory() {
        return number("used_memory");
    }

    public long maxMemory() {
        return number("maxmemory");
    }

    public String policy() {
        return info.getOrDefault("maxmemory_policy", "?");
    }

    public boolean outOfMemory() {
        return maxMemory() > 0 && usedMemory() > maxMemory();
    }

    private boolean aofFailing() {
        return aofEnabled() && "err".equals(info.get("aof_last_write_status"));
    }

    private boolean rdbFailed() {
        return "err".equals(info.get("rdb_last_bgsave_status"));
    }

    /** Whether the last save failure makes Redis refuse writes (unknown settings: assumed so, Redis's default). */
    private boolean rdbStopsWrites() {
        return !"no".equals(config.get("stop-writes-on-bgsave-error"))
                && !"".equals(config.getOrDefault("save", "?").strip());
    }

    /** Whether the server refuses writes now (MISCONF or OOM): heartbeats cannot be written either. */
    public boolean refusesWrites() {
        return aofFailing() || (rdbFailed() && rdbStopsWrites()) || outOfMemory();
    }

    /** One line: AOF and RDB state. */
    public String persistenceLine() {
        return "aof "
                + (aofEnabled()
                        ? "on, last write " + info.getOrDefault("aof_last_write_status", "?") + ", last rewrite "
                                + info.getOrDefault("aof_last_bgrewrite_status", "?")
                        : "off")
                + "; last rdb save " + info.getOrDefault("rdb_last_bgsave_status", "?")
                + (config.containsKey("dir") ? "; dir " + config.get("dir") : "");
    }

    /** One line: used memory against maxmemory, and the policy. */
    public String memoryLine() {
        return "used " + bytes(usedMemory())
                + (maxMemory() > 0 ? " of maxmemory " + bytes(maxMemory()) : ", no maxmemory") + ", policy " + policy();
    }

    /** The problems, one sentence each; empty when persistence and memory are in order. */
    public List<String> problems() {
        List<String> out = new ArrayList<>();
        String where = config.containsKey("dir") ? " in " + config.get("dir") : "";
        if (aofFailing()) {
            out.add(
                    "Redis refuses writes: MISCONF writing the AOF failed (aof_last_write_status:err): unable to persist to disk"
                            + where + " (disk full or not writable?)");
        }
        if (rdbFailed()) {
            out.add(
                    rdbStopsWrites()
                            ? "Redis refuses writes: MISCONF the last RDB save failed (rdb_last_bgsave_status:err, "
                                    + "stop-writes-on-bgsave-error yes): unable to persist to disk" + where
                                    + " (disk full or not writable?)"
                            : "persistence failing: the last RDB save failed (rdb_last_bgsave_status:err)" + where);
        }
        if (aofEnabled() && "err".equals(info.get("aof_last_bgrewrite_status"))) {
            out.add("persistence failing: the last AOF rewrite failed (aof_last_bgrewrite_status:err)" + where);
        }
        if (outOfMemory()) {
            out.add("out of memory: used " + bytes(usedMemory()) + " of maxmemory " + bytes(maxMemory())
                    + ": Redis refuses writes (OOM); delete, expire and persist still work");
        }
        if (!NOEVICTION.equals(policy())) {
            out.add("eviction policy " + policy()
                    + ": Redis may evict documents, metadata or the feed without a tombstone;"
                    + " statestore needs maxmemory-policy noeviction");
        }
        return out;
    }

    private long number(String field) {
        try {
            return Long.parseLong(info.getOrDefault(field, "0"));
        } catch (NumberFormatException e) {
            return 0;
        }
    }

    /** {@code n} bytes as "1.5 MB" (binary units), exact below 1 KB. */
    static String bytes(long n) {
        if (n < 1024) {
            return n + " B";
        }
        String[] units = {"KB", "MB", "GB", "TB"};
        double v = n;
        int u = -1;
        while (v >= 1024 && u < units.length - 1) {
            v /= 1024;
            u++;
        }
        return String.format(Locale.ROOT, "%.1f %s (%d bytes)", v, units[u], n);
    }
}
