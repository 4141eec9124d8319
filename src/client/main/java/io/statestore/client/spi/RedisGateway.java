package io.statestore.client.spi;

import io.statestore.client.InvalidInputException;
import io.statestore.client.StateStoreException;
import io.statestore.client.StateStoreOptions;
import io.statestore.client.UnavailableException;
import io.statestore.client.internal.ErrorMapper;
import io.statestore.client.internal.Libraries;
import io.statestore.client.internal.TlsFailures;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import java.util.function.Supplier;
import org.apache.commons.pool2.impl.GenericObjectPoolConfig;
import redis.clients.jedis.CommandObjects;
import redis.clients.jedis.Connection;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.JedisClientConfig;
import redis.clients.jedis.Protocol;
import redis.clients.jedis.RedisProtocol;
import redis.clients.jedis.exceptions.JedisDataException;
import redis.clients.jedis.exceptions.JedisException;
import redis.clients.jedis.util.Pool;

/**
 * The client's adapter over Jedis: a connection pool, function calls, and error mapping
 * ({@link ErrorMapper}). What a function call carries is {@link FunctionCalls}'s business; a
 * caller that needs WATCH and MULTI/EXEC gets a {@link WatchSession}. Jedis is still used
 * directly by the event bus's stream commands (package {@code events}), through
 * {@link #call(Function, String, boolean)}.
 *
 * <p>Every function call goes through {@link #fcall}, {@link #fcallReadOnly} or a
 * {@link BlockingConnection}, which keep the function libraries on the server ({@link Libraries}):
 * installed before the first call, and installed again, the call then tried once more, when the
 * server answers that the function is missing.
 *
 * <p>On Redis Cluster ({@code redis-cluster://}) the calls go through Jedis's cluster client
 * ({@link ClusterConnection}), which routes by slot and handles redirects itself; the libraries
 * are kept on every primary. A blocking reader of one stream (an event consumer, a tail, a task
 * follower) gets a connection to the primary of its key's slot ({@link #dedicatedConnection(String)});
 * what needs one connection to the whole store (watchers, WATCH sessions) is not available on a
 * cluster yet and is refused with {@link #notOnCluster(String, String)} (docs/cluster.md).
 */
public final class RedisGateway implements AutoCloseable {
    private final RedisEndpoint redis;
    private final Libraries libraries = new Libraries(FunctionLibrary.all());
    private final Pool<Jedis> pool; // null on a cluster
    private final ClusterConnection cluster; // null unless a cluster
    /** On a cluster: looks for new primaries now and then, to give them the libraries (null otherwise). */
    private final java.util.concurrent.ScheduledExecutorService topologyCheck;
    /** How often a cluster gateway looks for primaries without the libraries. */
    static final java.time.Duration TOPOLOGY_CHECK = java.time.Duration.ofSeconds(2);

    private final String endpoint;
    private final JedisClientConfig clientConfig;
    private final int poolSize;
    private final Permissions permissions;
    /** Replicas that must confirm a write before it is acknowledged (WAIT); 0: none. */
    private final int durableReplicas;
    /** The one connection function calls share (docs/multiplexing.md); null on a cluster or when turned off. */
    private final SharedConnection shared;
    /** How long a call on the shared connection waits for its reply (the pooled sockets' read timeout). */
    private final java.time.Duration callTimeout;

    private final CommandObjects commands = new CommandObjects(RedisProtocol.RESP2);

    public RedisGateway(StateStoreOptions options) {
        this(
                RedisEndpoint.of(options),
                options.poolSize(),
                options.timeout(),
                options.durableReplicas(),
                null,
                options.multiplexCalls());
    }

    /** A gateway to one endpoint: a server, a Sentinel-managed primary, a cluster, or one node of a cluster. */
    RedisGateway(RedisEndpoint endpoint, int poolSize, java.time.Duration timeoutDuration, int durableReplicas) {
        this(endpoint, poolSize, timeoutDuration, durableReplicas, null, true);
    }

    /**
     * A gateway for a publisher with an outage spool: it must start while Redis is down, and a
     * publish must fail within about {@code retryBound} so that the event is spooled instead of
     * the caller waiting. On a standalone server or Sentinel this is the ordinary gateway (it
     * connects lazily, and a call fails within the timeout). On a cluster it asks the seed nodes
     * for the slot map at the first call rather than now, and retries a call across redirects
     * and reconnects for at most {@code retryBound} (instead of at least 15 s).
     */
    public static RedisGateway forSpoolingPublisher(StateStoreOptions options, java.time.Duration retryBound) {
        return new RedisGateway(
                RedisEndpoint.of(options),
                options.poolSize(),
                options.timeout(),
                options.durableReplicas(),
                retryBound,
                options.multiplexCalls());
    }

    private RedisGateway(
            RedisEndpoint endpoint,
            int poolSize,
            java.time.Duration timeoutDuration,
            int durableReplicas,
            java.time.Duration lazyClusterRetryBound,
            boolean multiplexCalls) {
        this.durableReplicas = durableReplicas;
        this.callTimeout = timeoutDuration;
        this.redis = endpoint;
        this.permissions = new Permissions(redis.describe(), redis.user());
        int timeout = (int) timeoutDuration.toMillis();
        this.endpoint = redis.describe();
        this.clientConfig =
                redis.clientConfig(timeout).protocol(RedisProtocol.RESP2).build();
        this.poolSize = poolSize;
        if (redis.cluster()) {
            this.pool = null;
            try {
                this.cluster = new ClusterConnection(
                        redis,
                        clientConfig,
                        poolSize,
                        timeoutDuration,
                        lazyClusterRetryBound,
                        lazyClusterRetryBound == null);
            } catch (JedisException e) {
                // the cluster client asks the seed nodes for the slot map at once, and keeps no reason
                throw ClusterSeeds.whyNoSlotMap(redis, clientConfig, this.endpoint, e);
            }
            this.topologyCheck = java.util.concurrent.Executors.newSingleThreadScheduledExecutor(r -> {
                Thread t = new Thread(r, "statestore-cluster-topology");
                t.setDaemon(true);
                return t;
            });
            topologyCheck.scheduleWithFixedDelay(
                    this::checkPrimaries,
                    TOPOLOGY_CHECK.toMillis(),
                    TOPOLOGY_CHECK.toMillis(),
                    java.util.concurrent.TimeUnit.MILLISECONDS);
            this.shared = null;
            return;
        }
        this.cluster = null;
        this.topologyCheck = null;
        GenericObjectPoolConfig<Jedis> poolConfig = new GenericObjectPoolConfig<>();
        poolConfig.setMaxTotal(poolSize);
        poolConfig.setMaxIdle(poolSize);
        poolConfig.setMinIdle(0);
        poolConfig.setMaxWait(timeoutDuration);
        // Checking on every borrow would cost a round trip per call; instead idle connections are
        // checked every few seconds, so one left over from before a server restart is replaced
        // before a write can fail on it (reads also retry once).
        poolConfig.setTestOnBorrow(false);
        poolConfig.setTestWhileIdle(true);
        poolConfig.setTimeBetweenEvictionRuns(java.time.Duration.ofSeconds(5));
        poolConfig.setNumTestsPerEvictionRun(-1);
        poolConfig.setJmxEnabled(false);
        try {
            this.pool = redis.pool(poolConfig, clientConfig, timeout);
        } catch (JedisException e) {
            // a Sentinel pool asks the Sentinels for the primary at once
            throw unavailable(e);
        }
        this.shared = multiplexCalls ? new SharedConnection(redis, pool, clientConfig, this.endpoint) : null;
    }

    private void checkPrimaries() {
        try {
            libraries.checkPrimaries(this);
        } catch (RuntimeException e) {
            // the next call that finds a function missing installs them as well
            org.slf4j.LoggerFactory.getLogger(RedisGateway.class)
                    .warn(
                            "checking the cluster's primaries for the function" + " libraries failed: {}",
                            e.getMessage());
        }
    }

    /** Whether this gateway talks to Redis Cluster. */
    public boolean cluster() {
        return cluster != null;
    }

    /** The cluster client (null unless a cluster), for {@link ClusterFeeds}. */
    ClusterConnection clusterConnection() {
        return cluster;
    }

    /** The settings of every connection (timeouts, credentials, TLS), for connections made elsewhere in spi. */
    JedisClientConfig clientConfig() {
        return clientConfig;
    }

    /** A Jedis failure in the statestore exception family, for connections made elsewhere in spi. */
    StateStoreException failure(JedisException e) {
        return ErrorMapper.map(e, null, false);
    }

    /**
     * The refusal of something not built for Redis Cluster yet (docs/cluster.md, "Not yet on a
     * cluster"): an {@link InvalidInputException}, since waiting does not cure it.
     */
    public InvalidInputException notOnCluster(String what, String why) {
        return new InvalidInputException(what + " is not supported on Redis Cluster yet (" + endpoint + "): " + why
                + "; see docs/cluster.md, \"Not yet on a cluster\"; use a standalone or Sentinel-managed Redis for it");
    }

    private static final String ONE_SERVER =
            "it reads through one connection to one server, and a cluster's data is spread over several";

    /**
     * Gateways to each primary of the cluster now, for what must be done on every one (the
     * function library); the caller closes them. On a standalone server: none.
     */
    public List<RedisGateway> primaryGateways() {
        if (cluster == null) {
            return List.of();
        }
        List<redis.clients.jedis.HostAndPort> primaries;
        try {
            primaries = cluster.primaries();
        } catch (JedisException e) {
            throw mapped(e, null, false, "CLUSTER NODES");
        }
        List<RedisGateway> out = new ArrayList<>();
        for (redis.clients.jedis.HostAndPort node : primaries) {
            out.add(new RedisGateway(
                    redis.node(node), 2, java.time.Duration.ofMillis(clientConfig.getSocketTimeoutMillis()), 0));
        }
        return out;
    }

    /**
     * A pooled connection to the current primary. After a Sentinel failover the pool is moved to
     * the new primary, but a connection that was borrowed during the switch comes back to it
     * afterwards, still open to the old one, and (borrows are not tested, to save a round trip)
     * would be lent out again: to a server that may take writes for a while before Sentinel
     * demotes it and its data is replaced. Such a connection is discarded here instead.
     */
    private Jedis currentConnection(String subject) {
        if (cluster != null) {
            return subject == null ? cluster.anyNode() : cluster.nodeOf(subject);
        }
        for (int stale = 0; ; stale++) {
            Jedis jedis = pool.getResource();
            if (!redis.sentinel() || isCurrent(jedis) || stale > poolSize) {
                return jedis;
            }
            jedis.getConnection().setBroken(); // closed, not returned to the pool
            jedis.close();
        }
    }

    /** Whether {@code jedis} is connected to the server, or to the Sentinels' current primary. */
    public boolean isCurrent(Jedis jedis) {
        return cluster != null || jedis.getConnection().getHostAndPort().equals(redis.current(pool));
    }

    /**
     * Whether an error reply means the server cannot take the call for now and did nothing
     * (READONLY after a failover, LOADING, OOM, ...): a connection that got one is better replaced,
     * as it may be pointing at a server that is no longer the primary.
     */
    public static boolean refusedForNow(JedisDataException e) {
        return ErrorMapper.fromReply(e.getMessage(), null) instanceof UnavailableException;
    }

    /** The most pooled connections in use at once. */
    public int poolSize() {
        return poolSize;
    }

    public String endpoint() {
        return endpoint;
    }

    /**
     * Installs the function libraries on the server now, unless this gateway did already: a
     * store does it when connecting, so a library it cannot use fails the connect.
     */
    public void installLibraries() {
        libraries.ensureInstalled(this);
    }

    /**
     * Calls a function that writes. Failures map to the statestore exception family. A call the
     * server refused because the function is missing did nothing, so it is safe to send again
     * once the libraries are back.
     */
    public Object fcall(String function, List<String> keys, List<String> args, String subject) {
        if (durableReplicas > 0) {
            return withLibraries(function, () -> onOneConnection(function, keys, args, subject, true));
        }
        if (cluster != null && NOT_RESENDABLE.contains(function)) {
            return withLibraries(function, () -> onOneConnection(function, keys, args, subject, false));
        }
        if (shared != null && small(args)) {
            return withLibraries(
                    function, () -> multiplexedCall(commands.fcall(function, keys, args), subject, true, function));
        }
        return withLibraries(function, () -> runRouted(c -> c.fcall(function, keys, args), subject, true, function));
    }

    /**
     * Arguments above this many characters go on a pooled connection: on the shared one, every
     * call queued behind them would wait while they are written and the server reads them
     * (Redis reads a connection 16 KB at a time and serves the other connections in between),
     * and one call that large gains nothing from sharing a write with others.
     */
    static final int SHARED_MAX_CHARS = 16 * 1024;

    private static boolean small(List<String> args) {
        int chars = 0;
        for (String a : args) {
            chars += a.length();
            if (chars > SHARED_MAX_CHARS) {
                return false;
            }
        }
        return true;
    }

    /**
     * A call on the shared connection. One the connection never wrote (it failed first) is sent
     * again on a new one; any other failure maps as on a pooled connection.
     */
    private Object multiplexedCall(
            redis.clients.jedis.CommandObject<Object> command, String subject, boolean writes, String function) {
        for (int attempt = 1; ; attempt++) {
            MultiplexedConnection connection;
            try {
                connection = shared.current();
            } catch (JedisException e) {
                throw mapped(e, subject, false, function);
            }
            try {
                return connection.call(command, callTimeout);
            } catch (MultiplexedConnection.NotSent e) {
                if (attempt == 3) {
                    throw mapped(e, subject, false, function);
                }
            } catch (JedisDataException e) {
                throw FunctionMissing.is(e) ? new FunctionMissing(e) : mapped(e, subject, true, function);
            } catch (JedisException e) {
                throw mapped(e, subject, writes, function);
            }
        }
    }

    /**
     * Writes without a write ID: Jedis's cluster client would send one again by itself when the
     * connection breaks after sending it, and a transaction applied by the first send would then
     * fail its revision check and be run again by its caller; on one connection the caller gets
     * "outcome unknown" instead, as on a standalone server.
     */
    private static final java.util.Set<String> NOT_RESENDABLE = java.util.Set.of("ss_tx");

    /**
     * A write on one connection: for a write confirmed by {@code durableReplicas} replicas
     * ({@code confirm}; WAIT counts the writes of its own connection, so the call and the WAIT go
     * on one), and on a cluster for a write that must not be re-sent unseen. On a cluster that is
     * a connection to the primary of the first key's slot in Jedis's slot map; a redirect (the
     * slot moved, or is moving) refreshes the map and the call is sent again, as are TRYAGAIN and
     * CLUSTERDOWN, within the retry bound. The call did nothing in all these cases.
     */
    private Object onOneConnection(
            String function, List<String> keys, List<String> args, String subject, boolean confirm) {
        if (cluster == null) {
            return run(
                    jedis -> {
                        Object reply = jedis.fcall(function, keys, args);
                        return confirm ? confirmed(jedis, reply, subject) : reply;
                    },
                    subject,
                    true,
                    function);
        }
        long deadline = System.nanoTime() + cluster.retryBound().toNanos();
        for (int attempt = 1; ; attempt++) {
            Jedis jedis;
            try {
                jedis = keys.isEmpty() ? cluster.anyNode() : cluster.nodeOf(keys.get(0));
            } catch (JedisException e) {
                throw mapped(e, subject, false, function);
            }
            try (jedis) {
                Object reply = jedis.fcall(function, keys, args);
                return confirm ? confirmed(jedis, reply, subject) : reply;
            } catch (redis.clients.jedis.exceptions.JedisRedirectionException e) {
                if (System.nanoTime() > deadline) {
                    throw mapped(e, subject, false, function);
                }
                cluster.client().refreshClusterTopology();
                cluster.pause(attempt, e);
            } catch (JedisDataException e) {
                if (ClusterConnection.notRunYet(e) && System.nanoTime() < deadline) {
                    cluster.pause(attempt, e);
                    continue;
                }
                throw FunctionMissing.is(e) ? new FunctionMissing(e) : mapped(e, subject, true, function);
            } catch (JedisException e) {
                try {
                    cluster.client().refreshClusterTopology(); // a failover: the next send finds the new primary
                } catch (JedisException stillDown) {
                    // the caller's re-send will tell
                }
                throw mapped(e, subject, true, function);
            }
        }
    }

    /** Waits for the replicas to confirm what {@code jedis} wrote; {@code reply} when they do. */
    private Object confirmed(Jedis jedis, Object reply, String subject) {
        long timeout = Math.max(1, clientConfig.getSocketTimeoutMillis() - 100L);
        long got = jedis.waitReplicas(durableReplicas, timeout);
        if (got < durableReplicas) {
            throw new UnavailableException(
                    "the write" + (subject == null ? "" : " of \"" + subject + "\"") + " was applied"
                            + " on the primary at " + jedis.getConnection().getHostAndPort() + " but confirmed by "
                            + got + " of the "
                            + durableReplicas + " replicas required (durableReplicas) within " + timeout
                            + " ms: it may be lost if"
                            + " that primary fails now",
                    true,
                    new NotReplicated());
        }
        return reply;
    }

    /**
     * The cause of an {@link UnavailableException} for a write applied on the primary that too
     * few replicas confirmed: sending it again would be answered from its write ID without a
     * new write to wait for, so it is not re-sent.
     */
    public static final class NotReplicated extends RuntimeException {
        NotReplicated() {
            super("not confirmed by enough replicas", null, false, false);
        }
    }

    /** {@link #fcall(String, List, List, String)} of a call built by {@link FunctionCalls}. */
    public Object fcall(FunctionCalls.Call call, String subject) {
        return fcall(call.function(), call.keys(), call.args(), subject);
    }

    /** {@link #fcallReadOnly(String, List, List, String)} of a call built by {@link FunctionCalls}. */
    public Object fcallReadOnly(FunctionCalls.Call call, String subject) {
        return fcallReadOnly(call.function(), call.keys(), call.args(), subject);
    }

    /**
     * Sends many calls of one function at once: on a cluster pipelined per node by Jedis's
     * cluster pipeline (each call routed by its keys' slot), on one server pipelined on one
     * connection. A call the pipeline could not place (a redirect: its slot moved meanwhile) is
     * sent again on its own through {@link #fcall(FunctionCalls.Call, String)}, which follows
     * redirects; any other error reply fails the whole batch after every call was sent. Used to
     * write the per-slot settings and history policy of a cluster (docs/cluster.md).
     */
    public void fcallAll(List<FunctionCalls.Call> calls) {
        if (calls.isEmpty()) {
            return;
        }
        List<redis.clients.jedis.Response<Object>> replies = new ArrayList<>(calls.size());
        try {
            if (cluster != null) {
                try (redis.clients.jedis.ClusterPipeline p = cluster.client().pipelined()) {
                    for (FunctionCalls.Call c : calls) {
                        replies.add(p.fcall(c.function(), c.keys(), c.args()));
                    }
                    p.sync();
                }
            } else {
                run(
                        j -> {
                            redis.clients.jedis.Pipeline p = j.pipelined();
                            for (FunctionCalls.Call c : calls) {
                                replies.add(p.fcall(c.function(), c.keys(), c.args()));
                            }
                            p.sync();
                            return null;
                        },
                        null,
                        true,
                        calls.get(0).function());
            }
        } catch (JedisException e) {
            throw mapped(e, null, true, calls.get(0).function());
        }
        for (int i = 0; i < calls.size(); i++) {
            try {
                replies.get(i).get();
            } catch (redis.clients.jedis.exceptions.JedisRedirectionException
                    | redis.clients.jedis.exceptions.JedisClusterOperationException moved) {
                fcall(calls.get(i), calls.get(i).keys().get(0));
            } catch (JedisDataException e) {
                if (cluster != null && ClusterConnection.notRunYet(e)) {
                    fcall(calls.get(i), calls.get(i).keys().get(0));
                } else {
                    throw mapped(
                            e, calls.get(i).keys().get(0), true, calls.get(i).function());
                }
            }
        }
    }

    /**
     * Calls a function that answers each of its parts in its place ({@code ss_write_many}): an
     * error reply to one part comes back as a {@link FunctionCalls.ErrorReply} among the others.
     */
    public List<Object> fcallEach(FunctionCalls.Call call, String subject) {
        List<Object> replies = list(fcall(call, subject));
        replies.replaceAll(r -> r instanceof JedisDataException e ? new FunctionCalls.ErrorReply(e.getMessage()) : r);
        return replies;
    }

    /**
     * Calls a read-only function with FCALL_RO, so replicas can serve it. Reads are safe to
     * repeat, so one that fails on a stale pooled connection (the server restarted) is retried once.
     */
    public Object fcallReadOnly(String function, List<String> keys, List<String> args, String subject) {
        Supplier<Object> read = shared != null
                ? () -> multiplexedCall(commands.fcallReadonly(function, keys, args), subject, false, function)
                : () -> runRouted(c -> c.fcallReadonly(function, keys, args), subject, false, function);
        return withLibraries(function, () -> {
            try {
                return read.get();
            } catch (UnavailableException e) {
                return read.get();
            }
        });
    }

    /**
     * Runs {@code call} with the libraries installed; when the server answers that the function
     * is missing, installs them again and runs it once more.
     */
    private <T> T withLibraries(String function, Supplier<T> call) {
        long generation = libraries.ensureInstalled(this);
        try {
            return call.get();
        } catch (FunctionMissing missing) {
            libraries.reinstall(this, generation);
        }
        try {
            return call.get();
        } catch (FunctionMissing still) {
            throw new InvalidInputException("Redis at " + endpoint + " has no function " + function
                    + " although this client has just installed its function libraries there (" + still.getMessage()
                    + "); run 'statestore functions status' to see what the server has");
        }
    }

    /**
     * Runs {@code work} on a pooled connection. Failures to get a connection are "not sent";
     * failures after that are "outcome unknown" when {@code writes} is true.
     */
    public <T> T call(Function<Jedis, T> work, String subject, boolean writes) {
        return call(work, subject, writes, null);
    }

    /** The same, naming the command for a refusal's message ({@code FUNCTION LOAD}). */
    public <T> T call(Function<Jedis, T> work, String subject, boolean writes, String command) {
        return run(work, subject, writes, command);
    }

    /**
     * Runs a command routed by its keys: on a cluster through the cluster client (redirects and
     * retries inside), otherwise on a pooled connection like {@link #run}.
     */
    private <T> T runRouted(
            Function<redis.clients.jedis.commands.FunctionCommands, T> work,
            String subject,
            boolean writes,
            String function) {
        if (cluster == null) {
            return run(work::apply, subject, writes, function);
        }
        long deadline = System.nanoTime() + cluster.retryBound().toNanos();
        for (int attempt = 1; ; attempt++) {
            try {
                return work.apply(cluster.client());
            } catch (JedisDataException e) {
                if (ClusterConnection.notRunYet(e) && System.nanoTime() < deadline) {
                    cluster.pause(attempt, e);
                    continue;
                }
                throw FunctionMissing.is(e) ? new FunctionMissing(e) : mapped(e, subject, true, function);
            } catch (JedisException e) {
                throw mapped(e, subject, writes, function);
            }
        }
    }

    /**
     * @param function the function called, or a command's name, or null: named in refusals. On
     *                 a cluster {@code work} runs on the primary of {@code subject}'s slot (any
     *                 node when null): commands sent this way are not redirected.
     */
    private <T> T run(Function<Jedis, T> work, String subject, boolean writes, String function) {
        boolean functionCall = function != null && (function.startsWith("ss_") || function.startsWith("ev_"));
        Jedis jedis;
        try {
            jedis = currentConnection(subject);
        } catch (JedisException e) {
            throw mapped(e, subject, false, function);
        }
        try (jedis) {
            return work.apply(jedis);
        } catch (JedisDataException e) {
            throw functionCall && FunctionMissing.is(e) ? new FunctionMissing(e) : mapped(e, subject, true, function);
        } catch (JedisException e) {
            throw mapped(e, subject, writes, function);
        }
    }

    /** A failure on a connection of this gateway in statestore's words ({@link WatchSession}). */
    StateStoreException map(JedisException e, String subject, boolean sent) {
        return mapped(e, subject, sent, null);
    }

    private StateStoreException mapped(JedisException e, String subject, boolean sent, String function) {
        String reply = e instanceof JedisDataException ? e.getMessage() : null;
        if (reply == null && e.getCause() instanceof JedisDataException d) { // a refused AUTH while connecting
            reply = d.getMessage();
        }
        if (Permissions.isRefusal(reply)) {
            return permissions.explain(reply, function, subject);
        }
        return ErrorMapper.map(e, subject, sent, endpoint);
    }

    /**
     * The server has no function of the name called: its libraries are gone (FUNCTION FLUSH, a
     * restart without persistence) or older than ours. Never leaves the gateway.
     */
    private static final class FunctionMissing extends RuntimeException {
        FunctionMissing(JedisDataException e) {
            super(e.getMessage(), null, false, false);
        }

        static boolean is(JedisDataException e) {
            return e.getMessage() != null && e.getMessage().contains("Function not found");
        }
    }

    /**
     * A connection of its own, outside the pool, for long blocking reads (watchers, consumers,
     * tails) that would otherwise hold pooled connections and starve ordinary calls. Caller closes it.
     */
    public Jedis dedicatedConnection() {
        if (cluster != null) {
            throw notOnCluster("a blocking reader of several keys", ONE_SERVER); // one key: dedicatedConnection(key)
        }
        try {
            Jedis jedis = new Jedis(redis.current(pool), clientConfig);
            jedis.ping();
            return jedis;
        } catch (JedisException e) {
            throw unavailable(e);
        }
    }

    /**
     * A connection of its own, outside the pool, for long blocking reads of {@code key} (a stream
     * of the event bus, a task stream): on a cluster to the primary that serves the key's slot now
     * (a blocking read names one key, so it goes to one node), otherwise as
     * {@link #dedicatedConnection()}. When the slot moves, the reader gets a redirect: it then
     * calls {@link #slotsMoved()} and opens another. Caller closes it.
     */
    public Jedis dedicatedConnection(String key) {
        if (cluster == null) {
            return dedicatedConnection();
        }
        try {
            Jedis jedis = new Jedis(cluster.primaryOf(key), clientConfig);
            jedis.ping();
            return jedis;
        } catch (JedisException e) {
            try {
                cluster.client().refreshClusterTopology(); // a failover: the next one finds the new primary
            } catch (JedisException stillDown) {
                // the caller retries after a pause
            }
            throw unavailable(e);
        }
    }

    /**
     * A reader of this gateway was told its key's slot is served elsewhere (MOVED, ASK), or that
     * the cluster is failing over: refresh the slot map so that its next connection goes to the
     * right node. Nothing on a standalone server.
     */
    public void slotsMoved() {
        if (cluster != null) {
            try {
                cluster.client().refreshClusterTopology();
            } catch (JedisException stillDown) {
                // the next connection attempt tells
            }
        }
    }

    /** Whether a reply is a cluster's "not here" or "not now" (MOVED, ASK, TRYAGAIN, CLUSTERDOWN): nothing was done. */
    public static boolean clusterRedirect(JedisDataException e) {
        return e instanceof redis.clients.jedis.exceptions.JedisRedirectionException || ClusterConnection.notRunYet(e);
    }

    /** A connection of its own for WATCH and MULTI/EXEC; the caller closes it. */
    public WatchSession openWatchSession() {
        if (cluster != null) {
            throw notOnCluster("a WATCH/MULTI session not tied to one slot (openWatchSession(key) is)", ONE_SERVER);
        }
        return new WatchSession(this, dedicatedConnection());
    }

    /**
     * A connection of its own for WATCH and MULTI/EXEC on keys of {@code key}'s slot: on a cluster
     * to the primary serving that slot now (a transaction there may only name keys of one slot),
     * otherwise as {@link #openWatchSession()}. The caller closes it.
     */
    public WatchSession openWatchSession(String key) {
        return cluster == null ? openWatchSession() : new WatchSession(this, dedicatedConnection(key));
    }

    /** A failure to connect: unavailable (retry later), unless it is a lasting TLS problem. */
    private StateStoreException unavailable(JedisException e) {
        StateStoreException tls = TlsFailures.translate(e);
        if (tls == null && redis.sentinel() && redis.ssl()) {
            tls = TlsFailures.probeSentinels(redis, clientConfig.getConnectionTimeoutMillis());
        }
        return tls != null
                ? tls
                : new UnavailableException(
                        ErrorMapper.cannotReach(endpoint, e) + "; " + ErrorMapper.tryFor(endpoint), false, e);
    }

    /**
     * A connection of its own, outside the pool, named {@code name} in CLIENT LIST: for a
     * watcher's reads and blocking waits. Connects lazily; the caller closes it.
     */
    public BlockingConnection openBlockingConnection(String name) {
        if (cluster != null) {
            throw notOnCluster(
                    "watching the change feed",
                    "a cluster keeps one feed per hash slot and a watcher that follows them all is not built");
        }
        return new BlockingConnection(name);
    }

    @Override
    public void close() {
        if (shared != null) {
            shared.close();
        }
        if (cluster != null) {
            topologyCheck.shutdownNow();
            cluster.close();
        } else {
            pool.close();
        }
    }

    /** What {@link BlockingConnection#awaitEntriesThenCall} read: the entries, then the call's reply. */
    public record Awaited(List<Object> entries, Object callReply) {}

    /** One non-pooled connection; {@link #close()} may be called from another thread to break a wait. */
    public final class BlockingConnection implements AutoCloseable {
        private final String name;
        private volatile Jedis jedis;

        private BlockingConnection(String name) {
            this.name = name;
        }

        private Jedis connected() {
            Jedis j = jedis;
            if (j != null && !isCurrent(j)) {
                // a Sentinel failover: the old primary stays up, quiet, until Sentinel demotes it
                jedis = null;
                j.close();
                j = null;
            }
            if (j == null) {
                try {
                    j = new Jedis(redis.current(pool), clientConfig);
                    j.clientSetname(name);
                } catch (JedisException e) {
                    throw ErrorMapper.map(e, null, false);
                }
                jedis = j;
            }
            return j;
        }

        /** FCALL_RO of a read-only function; failures map to the statestore exception family. */
        public Object fcallReadOnly(FunctionCalls.Call call) {
            return withLibraries(call.function(), () -> {
                try {
                    return connected().fcallReadonly(call.function(), call.keys(), call.args());
                } catch (JedisDataException e) {
                    throw FunctionMissing.is(e) ? new FunctionMissing(e) : ErrorMapper.map(e, null, false);
                } catch (JedisException e) {
                    throw ErrorMapper.map(e, null, false);
                }
            });
        }

        /**
         * Pipelines XREAD BLOCK (up to {@code count} entries after {@code afterId}) and then a
         * read-only function call, which Redis runs as soon as the XREAD returns. The entries come
         * back in raw XRANGE reply form ({@code [id, [field, value, ...]]}, bulk strings as bytes):
         * this runs once per notification, and Jedis's typed stream replies would build every
         * entry twice (strings, linked maps, parsed IDs) before the caller reads it once.
         */
        public Awaited awaitEntriesThenCall(
                String stream, String afterId, int blockMillis, int count, FunctionCalls.Call then) {
            // Sent again whole when the function was missing: both are reads, so repeating the
            // XREAD only reads the same entries again (or more, or waits again for new ones).
            return withLibraries(
                    then.function(),
                    () -> awaitOnce(stream, afterId, blockMillis, count, then.function(), then.keys(), then.args()));
        }

        private Awaited awaitOnce(
                String stream,
                String afterId,
                int blockMillis,
                int count,
                String function,
                List<String> keys,
                List<String> args) {
            try {
                Connection c = connected().getConnection();
                c.sendCommand(
                        Protocol.Command.XREAD,
                        "COUNT",
                        Integer.toString(count),
                        "BLOCK",
                        Integer.toString(blockMillis),
                        "STREAMS",
                        stream,
                        afterId);
                List<String> call = new ArrayList<>(2 + keys.size() + args.size());
                call.add(function);
                call.add(Integer.toString(keys.size()));
                call.addAll(keys);
                call.addAll(args);
                c.sendCommand(Protocol.Command.FCALL_RO, call.toArray(new String[0]));
                List<Object> replies = c.getMany(2);
                for (Object r : replies) {
                    if (r instanceof JedisDataException e) {
                        throw e;
                    }
                }
                return new Awaited(streamEntries(replies.get(0)), replies.get(1));
            } catch (JedisDataException e) {
                throw FunctionMissing.is(e) ? new FunctionMissing(e) : ErrorMapper.map(e, null, false);
            } catch (JedisException e) {
                throw ErrorMapper.map(e, null, false);
            }
        }

        /** The entries of a one-stream XREAD reply ({@code [[stream, [entry, ...]]]}, or nil on timeout). */
        private static List<Object> streamEntries(Object reply) {
            if (!(reply instanceof List<?> streams) || streams.isEmpty()) {
                return List.of();
            }
            return list(list(streams.get(0)).get(1));
        }

        /** Drops the connection; the next call reconnects. Safe from any thread. */
        public void reset() {
            Jedis j = jedis;
            jedis = null;
            if (j != null) {
                try {
                    j.close();
                } catch (RuntimeException ignored) {
                    // already broken: nothing to release
                }
            }
        }

        @Override
        public void close() {
            reset();
        }
    }

    private static List<Object> list(Object reply) {
        return FunctionCalls.list(reply);
    }
}
