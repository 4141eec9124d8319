package io.statestore.daemon.web.daemon;

import io.statestore.daemon.status.ServerHealth;
import java.util.HashMap;
import java.util.Map;
import redis.clients.jedis.Jedis;

/** The server's figures from one {@code INFO} (all default sections), plus the health problems statestore names. */
final class ServerFacts {
    private final Map<String, String> info = new HashMap<>();

    private ServerFacts(String text) {
        for (String line : text.split("\r?\n")) {
            int colon = line.indexOf(':');
            if (colon > 0 && !line.startsWith("#")) {
                info.put(line.substring(0, colon), line.substring(colon + 1).strip());
            }
        }
    }

    static DaemonViews.Server read(Jedis j, boolean sentinel) {
        ServerFacts f = new ServerFacts(j.info());
        String version = f.info.containsKey("valkey_version")
                ? "valkey " + f.info.get("valkey_version")
                : "redis " + f.info.getOrDefault("redis_version", "?");
        String topology = sentinel ? "sentinel" : "1".equals(f.info.get("cluster_enabled")) ? "cluster" : "standalone";
        return new DaemonViews.Server(
                version,
                topology,
                new DaemonViews.Memory(
                        f.num("used_memory"),
                        f.num("used_memory_peak"),
                        f.num("used_memory_rss"),
                        f.num("maxmemory"),
                        f.info.getOrDefault("maxmemory_policy", "?")),
                new DaemonViews.Clients(f.num("connected_clients"), f.num("blocked_clients")),
                f.num("instantaneous_ops_per_sec"),
                new DaemonViews.Persistence(
                        "1".equals(f.info.get("aof_enabled")),
                        f.info.get("aof_last_write_status"),
                        f.info.get("aof_last_bgrewrite_status"),
                        "1".equals(f.info.get("aof_rewrite_in_progress")),
                        f.info.containsKey("rdb_last_save_time") ? f.num("rdb_last_save_time") * 1000 : null,
                        f.num("rdb_changes_since_last_save"),
                        f.info.get("rdb_last_bgsave_status"),
                        "1".equals(f.info.get("rdb_bgsave_in_progress"))),
                new DaemonViews.Replication(
                        f.info.getOrDefault("role", "?"),
                        f.num("connected_slaves"),
                        f.info.get("master_host"),
                        f.info.containsKey("master_port") ? (int) f.num("master_port") : null,
                        f.info.get("master_link_status")),
                ServerHealth.read(j).problems());
    }

    private long num(String field) {
        try {
            return Long.parseLong(f(field));
        } catch (NumberFormatException e) {
            return 0;
        }
    }

    private String f(String field) {
        return info.getOrDefault(field, "0");
    }
}
