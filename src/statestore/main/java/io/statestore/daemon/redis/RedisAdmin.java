package io.statestore.daemon.redis;

import io.statestore.client.StateStoreOptions;
import io.statestore.client.TlsOptions;
import io.statestore.client.spi.RedisEndpoint;
import io.statestore.client.spi.TlsContexts;
import java.util.Optional;
import java.util.function.Function;
import org.apache.commons.pool2.impl.GenericObjectPoolConfig;
import redis.clients.jedis.DefaultJedisClientConfig;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.JedisClientConfig;
import redis.clients.jedis.util.Pool;

/**
 * The daemon's own connections for administrative commands (BGSAVE, INFO, XTRIM, leases,
 * status), to a standalone server or a Sentinel-managed primary ({@link RedisEndpoint}).
 */
public final class RedisAdmin implements AutoCloseable {
    private final RedisEndpoint endpoint;
    private final Pool<Jedis> pool;
    private final JedisClientConfig clientConfig;

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
        this.pool = endpoint.pool(pc, clientConfig, timeout);
    }

    public <T> T with(Function<Jedis, T> work) {
        try (Jedis j = pool.getResource()) {
            return work.apply(j);
        }
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

    /** The server, or the Sentinels' current primary. */
    public HostAndPort address() {
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
    }
}
