package io.statestore.daemon.redis;

import io.statestore.client.spi.ClusterNodes;
import java.util.Optional;
import java.util.function.Function;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.Jedis;

/**
 * One server whose keys per-server work (SCAN, sweeps, trims, INFO, backups) visits: the
 * standalone server or Sentinel primary, or one primary of a Redis Cluster. On a cluster a
 * SCAN of one primary sees exactly the keys of the slots it serves, so visiting every shard
 * visits every key once (a slot that moves meanwhile may be missed or seen twice: the work
 * is idempotent and the next run catches up).
 */
public final class Shard implements Commands {
    private final RedisAdmin admin;
    private final HostAndPort address; // null: the admin's one server
    private final ClusterNodes.Node node;

    Shard(RedisAdmin admin, HostAndPort address, ClusterNodes.Node node) {
        this.admin = admin;
        this.address = address;
        this.node = node;
    }

    @Override
    public <T> T with(Function<Jedis, T> work) {
        return address == null ? admin.with(work) : admin.onNode(address, work);
    }

    /** The server's address (on a standalone server: the current primary). */
    public HostAndPort address() {
        return address == null ? admin.address() : address;
    }

    /** The cluster node (id, slot ranges); empty on a standalone server. */
    public Optional<ClusterNodes.Node> node() {
        return Optional.ofNullable(node);
    }

    @Override
    public String toString() {
        return address().toString();
    }
}
