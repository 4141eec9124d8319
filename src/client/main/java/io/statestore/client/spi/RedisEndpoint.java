package io.statestore.client.spi;

import io.statestore.client.InvalidInputException;
import io.statestore.client.StateStoreOptions;
import io.statestore.client.TlsOptions;
import io.statestore.client.internal.AnsweringJedisFactory;
import io.statestore.client.internal.PasswordFileCredentials;
import java.io.IOException;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import org.apache.commons.pool2.impl.GenericObjectPoolConfig;
import redis.clients.jedis.DefaultJedisClientConfig;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.JedisClientConfig;
import redis.clients.jedis.JedisPool;
import redis.clients.jedis.JedisSentinelPool;
import redis.clients.jedis.RedisProtocol;
import redis.clients.jedis.util.Pool;

/**
 * Where Redis is, read from a statestore URL (docs/daemon.md, "Redis URLs and Sentinel"):
 * {@code redis://[user:password@]host[:port][/db]} ({@code rediss://} for TLS), or, for a
 * Sentinel-managed primary, {@code redis-sentinel://[user:password@]host[:port][,host[:port]...][/db]?master=NAME}
 * ({@code rediss-sentinel://} for TLS to the primary), or, for Redis Cluster,
 * {@code redis-cluster://[user:password@]host[:port][,host[:port]...]} ({@code rediss-cluster://}
 * for TLS): seed nodes, from which the client discovers the rest (docs/cluster.md). The credentials and database are the
 * primary's; the Sentinels' own password, if they have one, comes from a separate file
 * ({@code StateStoreOptions.sentinelPasswordFile}). The client and the daemon both connect
 * through this class, so the two read URLs alike.
 */
public final class RedisEndpoint {
    static final int DEFAULT_PORT = 6379;
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(RedisEndpoint.class);
    private static final java.util.Set<String> URL_PASSWORD_WARNED = java.util.concurrent.ConcurrentHashMap.newKeySet();
    static final int DEFAULT_SENTINEL_PORT = 26379;

    private final String url;
    private final boolean ssl;
    private final List<HostAndPort> hosts;
    private final String master; // null: a standalone server or a cluster
    private final boolean cluster;
    private final String user;
    private final String password;
    private final String sentinelPassword;
    private final int database;
    private final PasswordFileCredentials fileCredentials; // null: the password (if any) is fixed
    private TlsOptions tls = TlsOptions.defaults(); // set only by of(), on an instance nobody else holds yet

    private RedisEndpoint(
            String url,
            boolean ssl,
            List<HostAndPort> hosts,
            String master,
            boolean cluster,
            String user,
            String password,
            String sentinelPassword,
            int database,
            PasswordFileCredentials fileCredentials) {
        this.url = url;
        this.ssl = ssl;
        this.hosts = List.copyOf(hosts);
        this.master = master;
        this.cluster = cluster;
        this.user = user;
        this.password = password;
        this.sentinelPassword = sentinelPassword;
        this.database = database;
        this.fileCredentials = fileCredentials;
    }

    /** The endpoint of a store's options: URL and password files. */
    public static RedisEndpoint of(StateStoreOptions options) {
        RedisEndpoint e = parse(options.uri(), options.user(), options.passwordFile(), options.sentinelPasswordFile());
        if (options.passwordFile().isEmpty() && e.password().isPresent()) {
            warnUrlPassword(options.uri());
        }
        e.tls = options.tls();
        return e;
    }

    /**
     * Parses a URL; a password file, when given, overrides the URL's password; a Sentinel
     * password file holds the Sentinels' own password.
     */
    public static RedisEndpoint parse(URI uri, Optional<Path> passwordFile, Optional<Path> sentinelPasswordFile) {
        return parse(uri, Optional.empty(), passwordFile, sentinelPasswordFile);
    }

    /** The same, with an ACL user that overrides the URL's (a role name such as {@code writer}). */
    public static RedisEndpoint parse(
            URI uri, Optional<String> userOverride, Optional<Path> passwordFile, Optional<Path> sentinelPasswordFile) {
        String scheme = uri.getScheme();
        boolean sentinel = "redis-sentinel".equals(scheme) || "rediss-sentinel".equals(scheme);
        boolean cluster = "redis-cluster".equals(scheme) || "rediss-cluster".equals(scheme);
        if (!sentinel && !cluster && !"redis".equals(scheme) && !"rediss".equals(scheme)) {
            throw invalid(
                    uri,
                    "scheme must be redis://, rediss://, redis-sentinel://, rediss-sentinel://,"
                            + " redis-cluster:// or rediss-cluster://");
        }
        String authority = uri.getRawAuthority();
        if (authority == null || authority.isEmpty()) {
            throw invalid(uri, "no host");
        }
        String user = null;
        String password = null;
        int at = authority.lastIndexOf('@');
        if (at >= 0) {
            String info = authority.substring(0, at);
            authority = authority.substring(at + 1);
            int colon = info.indexOf(':');
            if (colon < 0) {
                password = decode(info);
            } else {
                user = colon == 0 ? null : decode(info.substring(0, colon));
                password = decode(info.substring(colon + 1));
            }
        }
        List<HostAndPort> hosts = new ArrayList<>();
        for (String h : authority.split(",", -1)) {
            hosts.add(hostAndPort(uri, h, sentinel ? DEFAULT_SENTINEL_PORT : DEFAULT_PORT));
        }
        if (!sentinel && !cluster && hosts.size() > 1) {
            throw invalid(
                    uri, "several hosts are for Sentinels or a Cluster: use redis-sentinel:// or redis-cluster://");
        }
        String master = sentinel ? queryValue(uri, "master") : null;
        if (sentinel && (master == null || master.isEmpty())) {
            throw invalid(uri, "a Sentinel URL names the primary with ?master=NAME");
        }
        if (!sentinel && uri.getRawQuery() != null) {
            throw invalid(uri, "a " + scheme + ":// URL takes no query");
        }
        int database = 0;
        String path = uri.getPath();
        if (path != null && path.length() > 1) {
            try {
                database = Integer.parseInt(path.substring(1));
            } catch (NumberFormatException e) {
                throw invalid(uri, "database must be a number");
            }
            if (cluster) {
                throw invalid(uri, "Redis Cluster has only database 0: leave the /" + path.substring(1) + " out");
            }
        }
        if (userOverride.isPresent()) {
            user = userOverride.get();
        }
        PasswordFileCredentials fileCredentials = null;
        if (passwordFile.isPresent()) {
            password = readPassword(passwordFile.get(), "Redis password file");
            fileCredentials = new PasswordFileCredentials(user, passwordFile.get(), password);
        }
        String sentinelPassword = null;
        if (sentinelPasswordFile.isPresent()) {
            if (!sentinel) {
                throw invalid(uri, "a Sentinel password file goes with a redis-sentinel:// URL");
            }
            sentinelPassword = readPassword(sentinelPasswordFile.get(), "Sentinel password file");
        }
        boolean ssl = "rediss".equals(scheme) || "rediss-sentinel".equals(scheme) || "rediss-cluster".equals(scheme);
        return new RedisEndpoint(
                withoutPassword(uri),
                ssl,
                hosts,
                master,
                cluster,
                user,
                password,
                sentinelPassword,
                database,
                fileCredentials);
    }

    /**
     * A password in a URL works, but a URL usually travels on a command line or in an
     * environment, where other users of the machine can read it: said once per URL.
     */
    private static void warnUrlPassword(URI uri) {
        String shown = withoutPassword(uri);
        if (URL_PASSWORD_WARNED.add(shown)) {
            LOG.warn(
                    "the Redis URL {} carries a password: other users of this machine may read it in a command line or"
                            + " an environment; give it in a password file instead (--password-file, redis.passwordFile;"
                            + " docs/security.md)",
                    redacted(uri.toString()));
        }
    }

    /** The password in a file (systemd credential, state directory), without its line end. */
    public static String readPassword(Path file, String what) {
        try {
            return Files.readString(file, StandardCharsets.UTF_8).strip();
        } catch (java.nio.file.NoSuchFileException e) { // its message is the file name again
            throw new InvalidInputException("cannot read " + what + " " + file + ": no such file", e);
        } catch (java.nio.file.AccessDeniedException e) {
            throw new InvalidInputException("cannot read " + what + " " + file + ": permission denied", e);
        } catch (IOException e) {
            throw new InvalidInputException("cannot read " + what + " " + file + ": " + e.getMessage(), e);
        }
    }

    private static HostAndPort hostAndPort(URI uri, String text, int defaultPort) {
        if (text.isEmpty()) {
            throw invalid(uri, "an empty host");
        }
        int colon = text.lastIndexOf(':');
        boolean bracketed = text.startsWith("[");
        if (colon < 0 || (bracketed && colon < text.indexOf(']'))) {
            return new HostAndPort(unbracket(text), defaultPort);
        }
        try {
            int port = Integer.parseInt(text.substring(colon + 1));
            if (port < 1 || port > 65535) {
                throw invalid(uri, "port out of range in \"" + text + "\"");
            }
            return new HostAndPort(unbracket(text.substring(0, colon)), port);
        } catch (NumberFormatException e) {
            throw invalid(uri, "port must be a number in \"" + text + "\"");
        }
    }

    private static String unbracket(String host) {
        return host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
    }

    private static String queryValue(URI uri, String name) {
        String query = uri.getRawQuery();
        if (query == null) {
            return null;
        }
        String found = null;
        for (String pair : query.split("&")) {
            int eq = pair.indexOf('=');
            String k = decode(eq < 0 ? pair : pair.substring(0, eq));
            if (!k.equals(name)) {
                throw invalid(uri, "unknown parameter \"" + k + "\" (only " + name + " is known)");
            }
            found = eq < 0 ? "" : decode(pair.substring(eq + 1));
        }
        return found;
    }

    private static String withoutPassword(URI uri) {
        String s = uri.toString();
        String authority = uri.getRawAuthority();
        int at = authority == null ? -1 : authority.lastIndexOf('@');
        return at < 0 ? s : s.replace(authority, authority.substring(at + 1));
    }

    private static String decode(String s) {
        return URLDecoder.decode(s, StandardCharsets.UTF_8);
    }

    private static InvalidInputException invalid(URI uri, String why) {
        return new InvalidInputException("invalid Redis URL \"" + withoutPassword(uri) + "\": " + why);
    }

    public boolean sentinel() {
        return master != null;
    }

    /**
     * One node of this cluster as a standalone endpoint with the same credentials and TLS, for
     * what must be done on each primary (the function library).
     */
    RedisEndpoint node(HostAndPort node) {
        String host = node.getHost().contains(":") ? "[" + node.getHost() + "]" : node.getHost();
        RedisEndpoint e = new RedisEndpoint(
                (ssl ? "rediss://" : "redis://") + host + ":" + node.getPort(),
                ssl,
                List.of(node),
                null,
                false,
                user,
                password,
                null,
                0,
                fileCredentials);
        e.tls = tls;
        return e;
    }

    /** Whether this is Redis Cluster ({@code redis-cluster://}): {@link #hosts()} are seed nodes. */
    public boolean cluster() {
        return cluster;
    }

    /** The primary's name at the Sentinels; empty for a standalone server. */
    public Optional<String> master() {
        return Optional.ofNullable(master);
    }

    /** The server, the Sentinels, or a cluster's seed nodes. */
    public List<HostAndPort> hosts() {
        return hosts;
    }

    public boolean ssl() {
        return ssl;
    }

    /** How TLS connections verify the server and present a client certificate (when {@link #ssl()}). */
    public TlsOptions tls() {
        return tls;
    }

    public Optional<String> user() {
        return Optional.ofNullable(user).filter(u -> !u.isEmpty());
    }

    public Optional<String> password() {
        return Optional.ofNullable(password).filter(p -> !p.isEmpty());
    }

    public int database() {
        return database;
    }

    /** A Redis URL with its password replaced by {@code ***}, for logs and status (issue 15). */
    public static String redacted(String uri) {
        return uri == null ? null : uri.replaceAll("(://[^:@/]*):[^@/]*@", "$1:***@");
    }

    public String describe() {
        return url;
    }

    /** Connection settings for the primary (or the standalone server): TLS, credentials, database. */
    public DefaultJedisClientConfig.Builder clientConfig(int timeoutMillis) {
        DefaultJedisClientConfig.Builder b = DefaultJedisClientConfig.builder()
                .timeoutMillis(timeoutMillis)
                .ssl(ssl)
                .database(database);
        if (fileCredentials != null) {
            // read again for every new connection: a rotated password (statestore acl rotate)
            // reaches the pool without a restart
            b.credentialsProvider(fileCredentials);
        } else {
            user().ifPresent(b::user);
            password().ifPresent(b::password);
        }
        return ssl ? TlsContexts.configure(b, tls) : b;
    }

    /**
     * A pool of connections to the server, or to the Sentinels' current primary (Jedis follows
     * a failover: it listens for the Sentinels' switch-master and moves the pool over).
     */
    public Pool<Jedis> pool(
            GenericObjectPoolConfig<Jedis> poolConfig, JedisClientConfig primaryConfig, int timeoutMillis) {
        if (!sentinel()) {
            return new JedisPool(poolConfig, new AnsweringJedisFactory(hosts.get(0), primaryConfig));
        }
        DefaultJedisClientConfig.Builder sentinelConfig = DefaultJedisClientConfig.builder()
                .timeoutMillis(timeoutMillis)
                .ssl(ssl)
                .protocol(RedisProtocol.RESP2);
        if (sentinelPassword != null && !sentinelPassword.isEmpty()) {
            sentinelConfig.password(sentinelPassword);
        }
        if (ssl) {
            TlsContexts.configure(sentinelConfig, tls);
        }
        return new JedisSentinelPool(
                master, new LinkedHashSet<>(hosts), poolConfig, primaryConfig, sentinelConfig.build());
    }

    /** Where a connection outside {@code pool} should go now: the server, or the current primary. */
    public HostAndPort current(Pool<Jedis> pool) {
        return pool instanceof JedisSentinelPool s ? s.getCurrentHostMaster() : hosts.get(0);
    }
}
