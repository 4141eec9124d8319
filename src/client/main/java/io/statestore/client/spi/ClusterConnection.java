package io.statestore.client.spi;

import java.time.Duration;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import org.apache.commons.pool2.impl.GenericObjectPoolConfig;
import redis.clients.jedis.Connection;
import redis.clients.jedis.ConnectionPool;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.JedisClientConfig;
import redis.clients.jedis.JedisCluster;
import redis.clients.jedis.exceptions.JedisException;

/**
 * The Redis Cluster side of a {@link RedisGateway}: Jedis's own cluster client, which routes each
 * command by its keys' slot and handles MOVED, ASK and TRYAGAIN redirects, slot-map refreshes and
 * retries inside (statestore writes no routing of its own), plus what Jedis does not offer: the
 * list of primaries (for the function library, which Redis does not copy between primaries) and
 * a connection to one node for commands that are not routed by key.
 */
final class ClusterConnection implements AutoCloseable {
    /**
     * Attempts per command across redirects and reconnects, and the time they may take in all:
     * enough to ride out a failover (a replica is promoted about two node timeouts after its
     * primary stops answering) and a resharding, bounded so that a caller is never held forever.
     */
    static final int MAX_ATTEMPTS = 20;

    static final Duration MIN_RETRY_DURATION = Duration.ofSeconds(15);

    private final RedisEndpoint endpoint;
    private final JedisClientConfig clientConfig;
    private final GenericObjectPoolConfig<Connection> pool = new GenericObjectPoolConfig<>();
    private final Duration retries;
    private final boolean connectNow;
    /** Made on first use when the connection is lazy (a spooling publisher may start while the cluster is down). */
    private volatile JedisCluster cluster;

    ClusterConnection(RedisEndpoint endpoint, JedisClientConfig clientConfig, int poolSize, Duration timeout) {
        this(endpoint, clientConfig, poolSize, timeout, null, true);
    }

    /**
     * @param retryBound how long a command may be retried across redirects and reconnects; null:
     *                   3 x the timeout, at least {@link #MIN_RETRY_DURATION}
     * @param connectNow whether to ask the seed nodes for the slot map now (a failure throws), or
     *                   at the first command
     */
    ClusterConnection(
            RedisEndpoint endpoint,
            JedisClientConfig clientConfig,
            int poolSize,
            Duration timeout,
            Duration retryBound,
            boolean connectNow) {
        this.endpoint = endpoint;
        this.clientConfig = clientConfig;
        pool.setMaxTotal(poolSize);
        pool.setMaxIdle(poolSize);
        pool.setMinIdle(0);
        pool.setMaxWait(timeout);
        pool.setJmxEnabled(false);
        if (retryBound != null) {
            this.retries = retryBound;
        } else {
            this.retries = timeout.multipliedBy(3).compareTo(MIN_RETRY_DURATION) > 0
                    ? timeout.multipliedBy(3)
                    : MIN_RETRY_DURATION;
        }
        this.connectNow = connectNow;
        if (connectNow) {
            client();
        }
    }

    private void anySeedAnswers() {
        JedisException last = null;
        for (HostAndPort seed : endpoint.hosts()) {
            try (Jedis j = new Jedis(seed, clientConfig)) {
                j.ping();
                return;
            } catch (JedisException e) {
                last = e;
            }
        }
        throw new redis.clients.jedis.exceptions.JedisConnectionException(
                "no seed node of the cluster answers" + (last == null ? "" : ": " + last.getMessage()), last);
    }

    /** How long a command is retried in all before the caller gets a failure. */
    Duration retryBound() {
        return retries;
    }

    private JedisCluster connect() {
        if (!connectNow) {
            // Jedis starts the background refresh thread (not a daemon) before it asks for the slot
            // map, and does not stop it when that fails: every attempt on a cluster that is down
            // would leave one behind (and keep the JVM from exiting). Ask a seed first.
            anySeedAnswers();
        }
        // topology refreshed in the background too, so a promoted replica or a new primary is
        // known before a command has to be redirected to it
        return new JedisCluster(
                new LinkedHashSet<>(endpoint.hosts()),
                clientConfig,
                pool,
                Duration.ofSeconds(5),
                MAX_ATTEMPTS,
                retries);
    }

    /** The routing client: FCALL and FCALL_RO go to the primary of their keys' slot. */
    JedisCluster client() {
        JedisCluster c = cluster;
        if (c == null) {
            synchronized (this) {
                if (closed) {
                    // made now, its topology thread would outlive the close (and keep a JVM from exiting)
                    throw new JedisException("the connection to the cluster is closed");
                }
                if (cluster == null) {
                    cluster = connect();
                }
                c = cluster;
            }
        }
        return c;
    }

    private boolean closed; // guarded by this

    /** A connection to the primary of {@code key}'s slot, for a command the caller runs itself; caller closes it. */
    Jedis nodeOf(String key) {
        return new Jedis(client().getConnectionFromSlot(SlotTags.slot(key)));
    }

    /** The primary serving {@code key}'s slot in Jedis's slot map. */
    HostAndPort primaryOf(String key) {
        try (Connection c = client().getConnectionFromSlot(SlotTags.slot(key))) {
            return c.getHostAndPort();
        }
    }

    /** A connection to some reachable node, for a command about the server rather than a key; caller closes it. */
    Jedis anyNode() {
        JedisException last = null;
        for (ConnectionPool pool : client().getClusterNodes().values()) {
            try {
                Jedis j = new Jedis(pool.getResource());
                j.ping();
                return j;
            } catch (JedisException e) {
                last = e;
            }
        }
        throw last != null ? last : new JedisException("no node of the cluster is known");
    }

    /**
     * The primaries the cluster has now (from CLUSTER NODES of a reachable node): every node
     * flagged master and not failed, slots or not, so that a primary just added gets the library
     * before slots move to it.
     */
    List<HostAndPort> primaries() {
        try (Jedis j = anyNode()) {
            return parsePrimaries(j.clusterNodes());
        }
    }

    static List<HostAndPort> parsePrimaries(String clusterNodes) {
        return ClusterNodes.parse(clusterNodes).stream()
                .filter(n -> n.primary() && !n.failed())
                .map(ClusterNodes.Node::address)
                .toList();
    }

    /**
     * Whether a reply says the cluster did not run the command and will soon (Jedis handles
     * MOVED and ASK itself, not these): TRYAGAIN (a call whose keys are split between the two
     * nodes of a slot being migrated) and CLUSTERDOWN (a primary failed and no replica has taken
     * over yet). Sending the same command again is safe.
     */
    static boolean notRunYet(redis.clients.jedis.exceptions.JedisDataException e) {
        String m = e.getMessage();
        return m != null && (m.startsWith("TRYAGAIN") || m.startsWith("CLUSTERDOWN"));
    }

    /** Waits before sending again a command that was not run; after CLUSTERDOWN, asks for the new slot map. */
    void pause(int attempt, redis.clients.jedis.exceptions.JedisDataException e) {
        if (e.getMessage().startsWith("CLUSTERDOWN")) {
            try {
                client().refreshClusterTopology();
            } catch (JedisException stillDown) {
                // the next attempt tells
            }
        }
        try {
            Thread.sleep(Math.min(200, 5L * attempt));
        } catch (InterruptedException interrupted) {
            Thread.currentThread().interrupt();
            throw new JedisException("interrupted while waiting for the cluster", interrupted);
        }
    }

    /** The node pools Jedis holds, by "host:port". */
    Map<String, ConnectionPool> nodes() {
        return client().getClusterNodes();
    }

    @Override
    public void close() {
        JedisCluster c;
        synchronized (this) {
            closed = true;
            c = cluster;
        }
        if (c != null) {
            c.close();
        }
    }
}
