package io.statestore.client.spi;

import java.time.Duration;
import redis.clients.jedis.CommandObjects;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.JedisClientConfig;
import redis.clients.jedis.RedisProtocol;
import redis.clients.jedis.exceptions.JedisConnectionException;
import redis.clients.jedis.exceptions.JedisDataException;
import redis.clients.jedis.exceptions.JedisException;
import redis.clients.jedis.util.Pool;

/**
 * A gateway's one {@link MultiplexedConnection} (docs/multiplexing.md): opened when first
 * needed, and again when it failed, sat idle past a failed check, or a Sentinel failover left it
 * on the old primary.
 */
final class SharedConnection implements AutoCloseable {
    /**
     * How long the connection may sit idle before a call checks it first (as the pool checks its
     * idle connections every few seconds): a write sent on a connection the server closed while
     * restarting could not tell whether it was applied.
     */
    static final Duration IDLE_CHECK = Duration.ofSeconds(2);

    private final RedisEndpoint redis;
    private final Pool<Jedis> pool; // where Sentinel says the primary is
    private final JedisClientConfig config;
    private final String endpoint;
    private final CommandObjects commands = new CommandObjects(RedisProtocol.RESP2);
    private final Object lock = new Object();
    private volatile MultiplexedConnection current;
    private boolean closed; // under lock: a closed gateway opens no shared connection again
    // under lock: the last failed attempt to open the connection, and when it began
    private JedisException connectFailure;
    private long connectFailureBegan;

    SharedConnection(RedisEndpoint redis, Pool<Jedis> pool, JedisClientConfig config, String endpoint) {
        this.redis = redis;
        this.pool = pool;
        this.config = config;
        this.endpoint = endpoint;
    }

    /**
     * The connection to the server (to the Sentinels' current primary), opened anew when there
     * is none, it failed, or a failover left it on the old primary (whose calls in flight then
     * fail as "outcome unknown": the old primary's writes may be lost when it is demoted).
     */
    MultiplexedConnection current() {
        MultiplexedConnection c = current;
        if (c != null && c.idleFor(IDLE_CHECK.toNanos())) {
            checkIdle(c);
        }
        if (c != null && !c.failed() && (!redis.sentinel() || c.address().equals(redis.current(pool)))) {
            return c;
        }
        long asked = System.nanoTime();
        synchronized (lock) {
            if (closed) {
                throw new JedisConnectionException("this client's connections to " + endpoint + " were closed");
            }
            if (connectFailure != null && connectFailureBegan - asked >= 0) {
                // an attempt begun while this caller waited for the lock has just failed: one more
                // would wait as long again (a server that does not answer), and every caller in turn
                throw new JedisConnectionException(
                        "could not connect to " + endpoint + ": " + connectFailure.getMessage(), connectFailure);
            }
            c = current;
            HostAndPort target = redis.current(pool);
            if (c != null && !c.failed() && c.address().equals(target)) {
                return c;
            }
            if (c != null) {
                c.close();
            }
            long began = System.nanoTime();
            try {
                c = new MultiplexedConnection(target, config);
            } catch (JedisException e) {
                connectFailure = e;
                connectFailureBegan = began;
                throw e;
            }
            current = c;
            return c;
        }
    }

    /** A PING on an idle connection; one that fails is closed, so that a new one is opened. */
    private void checkIdle(MultiplexedConnection c) {
        try {
            c.call(commands.ping(), Duration.ofMillis(config.getSocketTimeoutMillis()));
        } catch (JedisDataException answered) {
            // an error reply (MISCONF refuses PING while the server cannot persist): it is alive
        } catch (JedisException gone) {
            c.close();
        }
    }

    @Override
    public void close() {
        synchronized (lock) {
            closed = true;
            if (current != null) {
                current.close();
            }
        }
    }
}
