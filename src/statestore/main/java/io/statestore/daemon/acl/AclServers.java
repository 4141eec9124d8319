package io.statestore.daemon.acl;

import io.statestore.client.spi.ClusterNodes;
import io.statestore.daemon.redis.RedisAdmin;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.Jedis;

/**
 * The servers the roles' users must exist on. ACL users are kept by each server and never
 * replicated, so that is the primary and its replicas (a Sentinel's, or any the primary lists),
 * and on a Redis Cluster every node: a replica promoted by a failover serves the writers at
 * once, with the users it has.
 */
final class AclServers {
    /** One server the users are set on. */
    interface Server {
        /** How a log line names it. */
        String name();

        /** What stays the same when its role changes (a failover): its address, or the primary's place. */
        String id();

        <T> T with(Function<Jedis, T> work);

        /** Whether a failure to reach it is left to a later pass (a replica, a cluster node) rather than fatal. */
        boolean mayBeAway();
    }

    private AclServers() {}

    /**
     * The server (or the Sentinels' primary) and the replicas its INFO replication lists, or every
     * cluster node not marked failed; with {@code replicas} false, the primary or the cluster's
     * primaries only. The daemon logs in to each with its own credential, so the replicas' listed
     * addresses are trusted with it (docs/security.md, "Where the admin credential goes").
     */
    static List<Server> of(RedisAdmin admin, boolean replicas) {
        List<Server> out = new ArrayList<>();
        if (!admin.cluster()) {
            out.add(new Single(admin));
            if (!replicas) {
                return out;
            }
            for (HostAndPort r : replicas(admin.with(j -> j.info("replication")))) {
                out.add(new Node(admin, r, false));
            }
            return out;
        }
        for (ClusterNodes.Node n : ClusterNodes.parse(admin.with(Jedis::clusterNodes))) {
            if (!n.failed() && (replicas || n.primary())) {
                out.add(new Node(admin, n.address(), n.primary()));
            }
        }
        return out;
    }

    /** The {@code slaveN:ip=...,port=...,...} lines of a primary's INFO replication. */
    static List<HostAndPort> replicas(String infoReplication) {
        List<HostAndPort> out = new ArrayList<>();
        for (String line : infoReplication.split("\r?\n")) {
            if (!line.matches("slave\\d+:.*")) {
                continue;
            }
            String ip = null;
            Integer port = null;
            for (String field : line.substring(line.indexOf(':') + 1).split(",")) {
                if (field.startsWith("ip=")) {
                    ip = field.substring(3);
                } else if (field.startsWith("port=")) {
                    port = Integer.parseInt(field.substring(5));
                }
            }
            if (ip != null && port != null) {
                out.add(new HostAndPort(ip, port));
            }
        }
        return out;
    }

    private record Single(RedisAdmin admin) implements Server {
        @Override
        public String name() {
            return "the server";
        }

        @Override
        public String id() {
            return "primary";
        }

        @Override
        public <T> T with(Function<Jedis, T> work) {
            return admin.with(work);
        }

        @Override
        public boolean mayBeAway() {
            return false;
        }
    }

    private record Node(RedisAdmin admin, HostAndPort address, boolean primary) implements Server {
        @Override
        public String name() {
            return (primary ? "primary " : "replica ") + address;
        }

        @Override
        public String id() {
            return address.toString();
        }

        @Override
        public <T> T with(Function<Jedis, T> work) {
            return admin.onNode(address, work);
        }

        @Override
        public boolean mayBeAway() {
            return true;
        }
    }
}
