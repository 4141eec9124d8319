package io.statestore.bench;

import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import org.apache.commons.pool2.impl.GenericObjectPoolConfig;
import redis.clients.jedis.DefaultJedisClientConfig;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.JedisClientConfig;
import redis.clients.jedis.JedisPool;

/** Connections to the benchmark's Redis outside statestore: FLUSHALL, INFO, and the SET baseline's pool. */
final class BenchRedis {
    private final HostAndPort address;
    private final JedisClientConfig config;

    BenchRedis(URI uri) {
        this.address = new HostAndPort(uri.getHost(), uri.getPort() < 0 ? 6379 : uri.getPort());
        DefaultJedisClientConfig.Builder b =
                DefaultJedisClientConfig.builder().timeoutMillis(60_000).ssl("rediss".equals(uri.getScheme()));
        String info = uri.getRawUserInfo();
        if (info != null && !info.isEmpty()) {
            int colon = info.indexOf(':');
            if (colon < 0) {
                b.password(decode(info));
            } else {
                if (colon > 0) {
                    b.user(decode(info.substring(0, colon)));
                }
                b.password(decode(info.substring(colon + 1)));
            }
        }
        this.config = b.build();
    }

    private static String decode(String s) {
        return URLDecoder.decode(s, StandardCharsets.UTF_8);
    }

    Jedis connect() {
        return new Jedis(address, config);
    }

    /** A pool like statestore's (no borrow test), sized for {@code size} clients. */
    JedisPool pool(int size) {
        GenericObjectPoolConfig<Jedis> pc = new GenericObjectPoolConfig<>();
        pc.setMaxTotal(size);
        pc.setMaxIdle(size);
        pc.setTestOnBorrow(false);
        pc.setJmxEnabled(false);
        return new JedisPool(pc, address, config);
    }

    private java.util.List<String> settings;

    /**
     * Sets the store's settings (ss_config_set: the feed length, the JSON check; the functions
     * take neither per call), again after every {@link #flushAll()}.
     */
    void setStoreSettings(long feedMaxLength, boolean jsonCheck) {
        settings = java.util.List.of("feedmax", Long.toString(feedMaxLength), "jsoncheck", jsonCheck ? "on" : "off");
        try (Jedis j = connect()) {
            j.fcall("ss_config_set", java.util.List.of("ss:config"), settings);
        }
    }

    void flushAll() {
        try (Jedis j = connect()) {
            j.flushAll();
            if (settings != null) {
                j.fcall("ss_config_set", java.util.List.of("ss:config"), settings);
            }
        }
    }

    long dbSize() {
        try (Jedis j = connect()) {
            return j.dbSize();
        }
    }

    /** The server's process ID if it runs on this host (its /proc entry is visible), else -1. */
    long localPid() {
        try (Jedis j = connect()) {
            for (String line : j.info("server").split("\r?\n")) {
                if (line.startsWith("process_id:")) {
                    long pid = Long.parseLong(
                            line.substring("process_id:".length()).trim());
                    return java.nio.file.Files.exists(java.nio.file.Path.of("/proc", Long.toString(pid), "stat"))
                                    && java.util.Set.of("127.0.0.1", "localhost", "::1")
                                            .contains(address.getHost())
                            ? pid
                            : -1;
                }
            }
        }
        return -1;
    }
}
