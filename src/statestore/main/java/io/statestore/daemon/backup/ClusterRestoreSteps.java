package io.statestore.daemon.backup;

import io.statestore.client.spi.ClusterNodes;
import io.statestore.daemon.redis.RedisAdmin;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.Jedis;

/**
 * The steps that restore a cluster backup set into a live cluster, written for its nodes: each
 * file matched to the primary serving its slots ({@link ClusterRestorePlan}, which refuses a
 * cluster of another shape), and each node's own data directory and file names asked from the
 * node. statestore does not stop or start another host's servers, so it prints what to run
 * there rather than running it; everything it can check before that (the set, the shape, that
 * every node answers) it checks first, and a check that fails leaves nothing printed to follow.
 */
public final class ClusterRestoreSteps {
    private ClusterRestoreSteps() {}

    /** Where a node keeps its data, as the node itself reports it. */
    record NodeFiles(HostAndPort address, String dir, String rdb, String aofDir) {
        String rdbPath() {
            return Path.of(dir).resolve(rdb).toString();
        }

        String aofPath() {
            return Path.of(dir).resolve(aofDir).toString();
        }
    }

    /** The lines to follow, numbered, for restoring {@code set} (already verified) into the cluster {@code admin} reaches. */
    public static List<String> of(RedisAdmin admin, Path set, List<ClusterBackup.Entry> entries)
            throws BackupException {
        String clusterNodes = admin.with(Jedis::clusterNodes);
        List<ClusterNodes.Node> all = ClusterNodes.parse(clusterNodes);
        List<ClusterNodes.Node> primaries = ClusterNodes.servingPrimaries(clusterNodes);
        // printed lines are run on other hosts, from another directory: no path relative to here
        List<ClusterRestorePlan.Step> plan =
                ClusterRestorePlan.of(set.toAbsolutePath().normalize(), entries, primaries);
        List<NodeFiles> nodes = new ArrayList<>();
        for (ClusterNodes.Node n : all) {
            if (n.failed()) {
                throw new BackupException("node " + n.address() + " is marked failed in CLUSTER NODES; bring it back"
                        + " or forget it (CLUSTER FORGET) before restoring; nothing was changed");
            }
            nodes.add(filesOf(admin, n.address()));
        }
        List<String> out = new ArrayList<>();
        out.add("The set fits this cluster: " + plan.size() + " primaries with the set's slot ranges, "
                + (nodes.size() - plan.size()) + " replicas. statestore does not stop or start a cluster's nodes;"
                + " on their hosts:");
        out.add("  1. stop every writer and the statestore daemon");
        out.add("  2. stop every node: "
                + String.join(
                        " ", nodes.stream().map(f -> f.address().toString()).toList()));
        out.add("  3. on every node, remove its AOF directory and RDB file; keep nodes.conf (the node's identity,"
                + " slots and role):");
        for (NodeFiles f : nodes) {
            out.add("       " + f.address() + "  rm -rf " + shellWord(f.aofPath()) + " " + shellWord(f.rdbPath()));
        }
        out.add("  4. copy each file of the set to its primary:");
        for (ClusterRestorePlan.Step s : plan) {
            NodeFiles f = nodes.stream()
                    .filter(n -> n.address().equals(s.primary().address()))
                    .findFirst()
                    .orElseThrow();
            out.add("       " + f.address() + "  cp " + shellWord(s.file().toString()) + " " + shellWord(f.rdbPath())
                    + "   (slots "
                    + s.primary().ranges() + ")");
        }
        out.add("  5. start the primaries with appendonly no (with AOF on and no AOF files a node starts empty"
                + " instead of loading the RDB), then the replicas, which copy their primary");
        out.add("  6. when CLUSTER INFO says cluster_state:ok: on each primary CONFIG SET appendonly yes (it writes"
                + " a fresh AOF from the loaded data), and CONFIG REWRITE if its config file should keep it");
        out.add("  7. start the daemon, then check with statestore status");
        return out;
    }

    /**
     * {@code path} as one shell word: the lines are pasted into a shell, where an unquoted
     * {@code /srv/redis data/dump.rdb} would make {@code rm -rf} remove {@code /srv/redis}. Plain
     * paths stay as they are, to be read easily.
     */
    static String shellWord(String path) {
        if (!path.isEmpty() && path.matches("[A-Za-z0-9_@%+=:,./-]+")) {
            return path;
        }
        return "'" + path.replace("'", "'\\''") + "'";
    }

    private static NodeFiles filesOf(RedisAdmin admin, HostAndPort node) throws BackupException {
        try {
            NodeFiles f = askFiles(admin, node);
            if (f.dir() == null || f.dir().isEmpty()) {
                throw new BackupException("node " + node + " did not report its data directory (CONFIG GET dir"
                        + " answered nothing): every node must tell where it keeps its data before a restore is"
                        + " planned; nothing was changed");
            }
            return f;
        } catch (redis.clients.jedis.exceptions.JedisException e) {
            throw new BackupException("node " + node + " did not tell where it keeps its data ("
                    + io.statestore.client.spi.RedisFailures.describe(e)
                    + "): every node must answer before a restore is planned; nothing was changed");
        }
    }

    private static NodeFiles askFiles(RedisAdmin admin, HostAndPort node) {
        return admin.onNode(node, j -> {
            Map<String, String> dir = j.configGet("dir");
            Map<String, String> rdb = j.configGet("dbfilename");
            // appenddirname exists from Redis 7.0; the AOF is then a directory of that name
            Map<String, String> aof = j.configGet("appenddirname");
            return new NodeFiles(
                    node,
                    dir.get("dir"),
                    rdb.getOrDefault("dbfilename", "dump.rdb"),
                    aof.getOrDefault("appenddirname", "appendonlydir"));
        });
    }
}
