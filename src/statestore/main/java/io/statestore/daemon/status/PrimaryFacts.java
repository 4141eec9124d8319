package io.statestore.daemon.status;

import io.statestore.client.spi.ClusterNodes;
import io.statestore.daemon.redis.RedisAdmin;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import redis.clients.jedis.Jedis;

/**
 * What {@code statestore status} and {@code /metrics} show of each primary of a Redis Cluster
 * (docs/cluster.md, "Status and metrics per primary"): every node CLUSTER NODES calls a primary,
 * failed ones included (they show as unreachable), each asked for INFO, DBSIZE and the version
 * of the function library ({@code ss_version}, which takes no key and so runs where it is sent).
 */
public record PrimaryFacts(
        String address,
        String id,
        boolean reachable,
        String role,
        int slotCount,
        String slots,
        long keys,
        long memoryBytes,
        long opsPerSecond,
        String library,
        String error) {

    public static List<PrimaryFacts> read(RedisAdmin redis) {
        List<PrimaryFacts> out = new ArrayList<>();
        for (ClusterNodes.Node n : ClusterNodes.parse(redis.with(Jedis::clusterNodes))) {
            if (n.primary()) {
                out.add(of(redis, n));
            }
        }
        out.sort(java.util.Comparator.comparingInt(
                (PrimaryFacts f) -> f.slotCount() == 0 ? Integer.MAX_VALUE : firstSlot(f.slots())));
        return out;
    }

    private static PrimaryFacts of(RedisAdmin redis, ClusterNodes.Node n) {
        String address = n.address().toString();
        if (n.failed()) {
            return unreachable(n, "marked failed by the cluster");
        }
        try {
            return redis.onNode(n.address(), j -> {
                Map<String, String> info = fields(j.info());
                long keys = j.dbSize();
                String library;
                try {
                    library = String.valueOf(j.fcallReadonly("ss_version", List.of(), List.of()));
                } catch (RuntimeException e) {
                    library = "missing";
                }
                return new PrimaryFacts(
                        address,
                        n.id(),
                        true,
                        info.getOrDefault("role", "?"),
                        n.slotCount(),
                        n.ranges(),
                        keys,
                        number(info, "used_memory"),
                        number(info, "instantaneous_ops_per_sec"),
                        library,
                        "");
            });
        } catch (RuntimeException e) {
            return unreachable(
                    n, Optional.ofNullable(e.getMessage()).orElse(e.getClass().getSimpleName()));
        }
    }

    private static PrimaryFacts unreachable(ClusterNodes.Node n, String why) {
        return new PrimaryFacts(
                n.address().toString(), n.id(), false, "?", n.slotCount(), n.ranges(), -1, -1, -1, "?", why);
    }

    /** One line of {@code statestore status}. */
    public String describe() {
        String head = "primary " + address + " (" + id.substring(0, Math.min(8, id.length())) + "): ";
        if (!reachable) {
            return head + "UNREACHABLE (" + error + "), slots " + slotCount + " (" + slots + ")";
        }
        return head + "reachable, role " + role + ", slots " + slotCount + " (" + slots + "), keys " + keys
                + ", memory " + memoryBytes + " bytes, ops/s " + opsPerSecond + ", library " + library;
    }

    private static int firstSlot(String ranges) {
        String first = ranges.split("[ -]")[0];
        return first.isEmpty() ? Integer.MAX_VALUE : Integer.parseInt(first);
    }

    private static Map<String, String> fields(String info) {
        Map<String, String> out = new LinkedHashMap<>();
        for (String line : info.split("\r?\n")) {
            int colon = line.indexOf(':');
            if (colon > 0 && !line.startsWith("#")) {
                out.put(line.substring(0, colon), line.substring(colon + 1).strip());
            }
        }
        return out;
    }

    private static long number(Map<String, String> info, String field) {
        try {
            return Long.parseLong(info.getOrDefault(field, "-1"));
        } catch (NumberFormatException e) {
            return -1;
        }
    }
}
