package io.statestore.daemon.redis;

import io.statestore.client.StateStoreOptions;
import java.io.IOException;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.Optional;
import java.util.function.Function;
import org.apache.commons.pool2.impl.GenericObjectPoolConfig;
import redis.clients.jedis.DefaultJedisClientConfig;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.JedisClientConfig;
import redis.clients.jedis.JedisPool;

/**
 * The daemon's own connections for administrative commands (BGSAVE, INFO, XTRIM, leases,
 * status). Connection setup lives here only, so Sentinel and Cluster can slot in later.
 */
public final class RedisAdmin implements AutoCloseable {
    private final JedisPool pool;
    private final HostAndPort address;
    private final JedisClientConfig clientConfig;
    private final String user;
    private final String password;
    private final int database;

    public RedisAdmin(StateStoreOptions options) {
        URI uri = options.uri();
        String u = null;
        String pw = null;
        String info = uri.getRawUserInfo();
        if (info != null && !info.isEmpty()) {
            int colon = info.indexOf(':');
            if (colon < 0) {
                pw = URLDecoder.decode(info, StandardCharsets.UTF_8);
            } else {
                u = colon == 0 ? null : URLDecoder.decode(info.substring(0, colon), StandardCharsets.UTF_8);
                pw = URLDecoder.decode(info.substring(colon + 1), StandardCharsets.UTF_8);
            }
        }
        if (options.passwordFile().isPresent()) {
            try {
                pw = Files.readString(options.passwordFile().get()).strip();
            } catch (IOException e) {
                throw new IllegalArgumentException("cannot read Redis password file " + options.passwordFile().get() + ": " + e.getMessage(), e);
            }
        }
        this.user = u;
        this.password = pw;
        String path = uri.getPath();
        this.database = path != null && path.length() > 1 ? Integer.parseInt(path.substring(1)) : 0;
        DefaultJedisClientConfig.Builder b = DefaultJedisClientConfig.builder()
                .timeoutMillis((int) options.timeout().toMillis())
                .ssl("rediss".equals(uri.getScheme())).database(database).clientName("statestore-daemon").autoNegotiateProtocol(false);
        if (u != null && !u.isEmpty()) {
            b.user(u);
        }
        if (pw != null && !pw.isEmpty()) {
            b.password(pw);
        }
        this.clientConfig = b.build();
        this.address = new HostAndPort(uri.getHost(), uri.getPort() < 0 ? 6379 : uri.getPort());
        GenericObjectPoolConfig<Jedis> pc = new GenericObjectPoolConfig<>();
        pc.setMaxTotal(8);
        pc.setJmxEnabled(false);
        pc.setTestOnBorrow(true); // admin traffic is light; survive restarts of the (embedded) server
        pc.setMaxWait(options.timeout());
        this.pool = new JedisPool(pc, address, clientConfig);
    }

    public <T> T with(Function<Jedis, T> work) {
        try (Jedis j = pool.getResource()) {
            return work.apply(j);
        }
    }

    /** A connection outside the pool (subscriptions, long waits); caller closes it. */
    public Jedis dedicated(int timeoutMillis) {
        DefaultJedisClientConfig.Builder b = DefaultJedisClientConfig.builder().timeoutMillis(timeoutMillis)
                .ssl(clientConfig.isSsl()).database(database).clientName("statestore-daemon")
                .autoNegotiateProtocol(false);
        if (user != null && !user.isEmpty()) {
            b.user(user);
        }
        if (password != null && !password.isEmpty()) {
            b.password(password);
        }
        return new Jedis(address, b.build());
    }

    /** A plain connection to a loopback server (embedded server checks), without the RESP3 probe. */
    public static Jedis loopback(String host, int port, int timeoutMillis) {
        return new Jedis(new HostAndPort(host, port), DefaultJedisClientConfig.builder().timeoutMillis(timeoutMillis)
                .autoNegotiateProtocol(false).clientName("statestore-daemon").build());
    }

    public HostAndPort address() {
        return address;
    }

    public int database() {
        return database;
    }

    public Optional<String> user() {
        return Optional.ofNullable(user);
    }

    public Optional<String> password() {
        return Optional.ofNullable(password);
    }

    public boolean ssl() {
        return clientConfig.isSsl();
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
