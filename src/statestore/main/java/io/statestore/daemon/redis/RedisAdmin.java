package io.statestore.daemon.redis;

import io.statestore.client.StateStoreOptions;
import io.statestore.client.TlsOptions;
import io.statestore.client.spi.ClusterNodes;
import io.statestore.client.spi.RedisEndpoint;
import io.statestore.client.spi.TlsContexts;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import org.apache.commons.pool2.impl.GenericObjectPoolConfig;
import redis.clients.jedis.DefaultJedisClientConfig;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.JedisClientConfig;
import redis.clients.jedis.JedisPool;
import redis.clients.jedis.exceptions.JedisAskDataException;
import redis.clients.jedis.exceptions.JedisConnectionException;
import redis.clients.jedis.exceptions.JedisException;
import redis.clients.jedis.exceptions.JedisMovedDataException;
import redis.clients.jedis.util.Pool;

/**
 * The daemon's own connections for administrative commands (BGSAVE, INFO, XTRIM, leases,
 * status), to a standalone server, a Sentinel-managed primary or the primaries of a Redis
 * Cluster ({@link RedisEndpoint}). On a cluster {@link #with} follows MOVED and ASK redirects as
 * {@code redis-cli -c} does (the daemon's own keys, leases and status, are one key per command),
 * and {@link #shards()} names every primary for the work that must be done on each.
 */
public final class RedisAdmin implements AutoCloseable, Commands {
    /** Redirects followed for one command: a slot moves at most a couple of times while it runs. */
    private static final int MAX_REDIRECTS = 5;

    private final RedisEndpoint endpoint;
    private final Pool<Jedis> pool;
    private final JedisClientConfig clientConfig;
    private final GenericObjectPoolConfig<Jedis> poolConfig;
    private final Map<HostAndPort, Pool<Jedis>> nodePools = new ConcurrentHashMap<>();
    /** On a cluster: the node commands go to first (a seed, or another node once it stopped answering). */
    private volatile HostAndPort home;

    public RedisAdmin(StateStoreOptions options) {
        this.endpoint = RedisEndpoint.of(options);
        int timeout = (int) options.timeout().toMillis();
        this.clientConfig = endpoint.clientConfig(timeout)
                .clientName("statestore-daemon")
                .autoNegotiateProtocol(false)
                .build();
        GenericObjectPoolConfig<Jedis> pc = new GenericObjectPoolConfig<>();
        pc.setMaxTotal(8);
        pc.setJmxEnabled(false);
        pc.setTestOnBorrow(true); // admin traffic is light; survive restarts of the (embedded) server
        pc.setMaxWait(options.timeout());
        this.poolConfig = pc;
        if (endpoint.cluster()) {
            this.home = endpoint.hosts().get(0);
            this.pool = nodePool(home);
        } else {
            this.pool = endpoint.pool(pc, clientConfig, timeout);
        }
    }

    @Override
    public <T> T with(Function<Jedis, T> work) {
        if (endpoint.cluster()) {
            return routed(work);
        }
        try (Jedis j = pool.getResource()) {
            return work.apply(j);
        }
    }

    /** Whether the server is a Redis Cluster: per-primary work goes through {@link #shards()}. */
    public boolean cluster() {
        return endpoint.cluster();
    }

    /**
     * Where per-server work (SCAN, INFO, BGSAVE) runs: the one server, or every primary of the
     * cluster that serves slots, as a reachable node's CLUSTER NODES lists them now.
     */
    public List<Shard> shards() {
        if (!endpoint.cluster()) {
            return List.of(new Shard(this, null, null));
        }
        List<Shard> out = new ArrayList<>();
        for (ClusterNodes.Node n : ClusterNodes.servingPrimaries(with(Jedis::clusterNodes))) {
            out.add(new Shard(this, n.address(), n));
        }
        return out;
    }

    /** Runs {@code work} on one node of the cluster (the node's keys only: no redirect is followed). */
    public <T> T onNode(HostAndPort node, Function<Jedis, T> work) {
        try (Jedis j = nodePool(node).getResource()) {
            return work.apply(j);
        }
    }

    private Pool<Jedis> nodePool(HostAndPort node) {
        return nodePools.computeIfAbsent(node, n -> new JedisPool(poolConfig, n, clientConfig));
    }

    /**
     * A command (or a few on one key) sent to the home node and, when answered MOVED or ASK,
     * sent again where the reply points: the first attempt did nothing, so it is safe to repeat.
     * A home node that stops answering is replaced by another known node.
     */
    private <T> T routed(Function<Jedis, T> work) {
        HostAndPort target = home;
        boolean asking = false;
        JedisException last = null;
        for (int attempt = 0; attempt <= MAX_REDIRECTS + nodePools.size(); attempt++) {
            try (Jedis j = nodePool(target).getResource()) {
                if (asking) {
                    j.asking();
                }
                return work.apply(j);
            } catch (JedisMovedDataException e) {
                target = e.getTargetNode();
                asking = false;
                last = e;
            } catch (JedisAskDataException e) {
                target = e.getTargetNode();
                asking = true;
                last = e;
            } catch (JedisConnectionException e) {
                last = e;
                if (!target.equals(home)) {
                    throw e;
                }
                HostAndPort next = anotherNode(home);
                if (next == null) {
                    throw e;
                }
                home = next;
                target = next;
                asking = false;
            }
        }
        throw last;
    }

    /** A seed or a node met in a redirect, other than {@code not}; null when none is known. */
    private HostAndPort anotherNode(HostAndPort not) {
        List<HostAndPort> known = new ArrayList<>(endpoint.hosts());
        known.addAll(nodePools.keySet());
        for (HostAndPort h : known) {
            if (!h.equals(not)) {
                return h;
            }
        }
        return null;
    }

    /** The pool's connections lent out, idle, and callers waiting for one: its figures on /metrics. */
    public int[] poolFigures() {
        return new int[] {pool.getNumActive(), pool.getNumIdle(), pool.getNumWaiters()};
    }

    /** A connection outside the pool (subscriptions, long waits); caller closes it. */
    public Jedis dedicated(int timeoutMillis) {
        return new Jedis(
                address(),
                endpoint.clientConfig(timeoutMillis)
                        .clientName("statestore-daemon")
                        .autoNegotiateProtocol(false)
                        .build());
    }

    /** A connection outside the pool to one node of a cluster (its expiry notifications); caller closes it. */
    public Jedis dedicated(HostAndPort node, int timeoutMillis) {
        return new Jedis(
                node,
                endpoint.clientConfig(timeoutMillis)
                        .clientName("statestore-daemon")
                        .autoNegotiateProtocol(false)
                        .build());
    }

    /** A plain connection to a loopback server (embedded server checks), without the RESP3 probe. */
    public static Jedis loopback(String host, int port, int timeoutMillis) {
        return loopback(host, port, timeoutMillis, null);
    }

    /** The same, authenticated with {@code password} when it is not null (a server given requirepass). */
    public static Jedis loopback(String host, int port, int timeoutMillis, String password) {
        return loopback(host, port, timeoutMillis, null, password, null);
    }

    /**
     * The same, as ACL user {@code user} (null: the default user), over TLS verified with
     * {@code tls} when it is not null (embedded.tls).
     */
    public static Jedis loopback(
            String host, int port, int timeoutMillis, String user, String password, TlsOptions tls) {
        DefaultJedisClientConfig.Builder b = DefaultJedisClientConfig.builder()
                .timeoutMillis(timeoutMillis)
                .user(user)
                .password(password)
                .autoNegotiateProtocol(false)
                .clientName("statestore-daemon");
        return new Jedis(
                new HostAndPort(host, port),
                tls == null
                        ? b.build()
                        : TlsContexts.configure(b.ssl(true), tls).build());
    }

    /** The server, or the Sentinels' current primary; on a cluster the node commands go to first. */
    public HostAndPort address() {
        if (endpoint.cluster()) {
            return home;
        }
        return endpoint.current(pool);
    }

    /** Whether the server is found through Sentinels (a monitored primary). */
    public boolean sentinel() {
        return endpoint.sentinel();
    }

    public int database() {
        return endpoint.database();
    }

    public Optional<String> user() {
        return endpoint.user();
    }

    public Optional<String> password() {
        return endpoint.password();
    }

    public boolean ssl() {
        return endpoint.ssl();
    }

    /** One field of INFO, or empty. */
    public Optional<String> info(String section, String field) {
        String text = with(j -> j.info(section));
        for (String line : text.split("\r?\n")) {
            if (line.startsWith(field + ":")) {
                return Optional.of(line.substring(field.length() + 1).strip());
            }
        }
        return Optional.empty();
    }

    public boolean ping() {
        try {
            return "PONG".equals(with(Jedis::ping));
        } catch (RuntimeException e) {
            return false;
        }
    }

    @Override
    public void close() {
        pool.close();
        nodePools.values().forEach(Pool::close);
    }
}
