package io.statestore.client;

import io.statestore.client.spi.CredentialSources;
import io.statestore.client.spi.RedisEndpoint;
import io.statestore.client.spi.TlsContexts;
import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** How a {@link StateStore} connects and behaves. Immutable; build with {@link #builder()}. */
public final class StateStoreOptions {
    /** Where the daemon's embedded redis-server listens by default. */
    public static final String DEFAULT_URI = "redis://127.0.0.1:6479";

    public static final String DEFAULT_KEY_PREFIX = "ss:";
    public static final int DEFAULT_POOL_SIZE = 32;
    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(5);
    public static final int DEFAULT_MAX_ATTEMPTS = 200;

    private final URI uri;
    private final String user;
    private final Path passwordFile;
    private final Path sentinelPasswordFile;
    private final String writer;
    private final String keyPrefix;
    private final int poolSize;
    private final Duration timeout;
    private final int maxAttempts;
    private final boolean groupCommit;
    private final int durableReplicas;
    private final boolean combineWrites;
    private final boolean combineReads;
    private final boolean multiplexCalls;
    private final int historyLength;
    private final List<HistoryPolicy> historyPolicies;
    private final StorageMode forcedMode;
    private final TlsOptions tls;

    private StateStoreOptions(Builder b) {
        this.uri = b.uri;
        this.user = b.user;
        this.passwordFile = b.passwordFile;
        this.sentinelPasswordFile = b.sentinelPasswordFile;
        this.writer = b.writer == null ? defaultWriter() : b.writer;
        this.keyPrefix = b.keyPrefix;
        this.poolSize = b.poolSize;
        this.timeout = b.timeout;
        this.maxAttempts = b.maxAttempts;
        this.groupCommit = b.groupCommit;
        this.durableReplicas = b.durableReplicas;
        this.combineWrites = b.combineWrites;
        this.combineReads = b.combineReads;
        this.multiplexCalls = b.multiplexCalls;
        this.historyLength = b.historyLength;
        this.historyPolicies = List.copyOf(b.historyPolicies);
        this.forcedMode = b.forcedMode;
        this.tls = b.tls;
    }

    public static Builder builder() {
        return new Builder();
    }

    /** A builder holding these options, to derive a variant (another timeout, writer, ...). */
    public Builder toBuilder() {
        Builder b = new Builder();
        b.uri = uri;
        b.user = user;
        b.passwordFile = passwordFile;
        b.sentinelPasswordFile = sentinelPasswordFile;
        b.writer = writer;
        b.keyPrefix = keyPrefix;
        b.poolSize = poolSize;
        b.timeout = timeout;
        b.maxAttempts = maxAttempts;
        b.groupCommit = groupCommit;
        b.durableReplicas = durableReplicas;
        b.combineWrites = combineWrites;
        b.combineReads = combineReads;
        b.multiplexCalls = multiplexCalls;
        b.historyLength = historyLength;
        b.historyPolicies.addAll(historyPolicies);
        b.forcedMode = forcedMode;
        b.tls = tls;
        return b;
    }

    /**
     * Options to reach the local daemon's store as {@code role} with no configuration: the first
     * credential source found (STATESTORE_PASSWORD_FILE, a systemd credential, the daemon's
     * connection file; docs/security.md) and its server, or {@code STATESTORE_REDIS_URL}.
     */
    public static Builder local(Role role) {
        Map<String, String> env = System.getenv();
        String url = env.get("STATESTORE_REDIS_URL");
        URI explicit = url == null || url.isBlank() ? null : URI.create(url);
        return CredentialSources.find(role, env, explicit).applyTo(builder());
    }

    public static StateStoreOptions of(String uri) {
        return builder().uri(uri).build();
    }

    public URI uri() {
        return uri;
    }

    /** A file holding the Redis password (e.g. a systemd credential); overrides one in the URI. */
    /** The Redis ACL user (a {@link Role}'s name, or another), overriding the URL's; empty: the URL's, or none. */
    public Optional<String> user() {
        return Optional.ofNullable(user);
    }

    public Optional<Path> passwordFile() {
        return Optional.ofNullable(passwordFile);
    }

    /** With a {@code redis-sentinel://} URL: a file holding the Sentinels' own password. */
    public Optional<Path> sentinelPasswordFile() {
        return Optional.ofNullable(sentinelPasswordFile);
    }

    /** The name recorded as writer of every change this store makes. */
    public String writer() {
        return writer;
    }

    /** The prefix of every internal key (metadata, feed, index); document keys carry none. */
    public String keyPrefix() {
        return keyPrefix;
    }

    public int poolSize() {
        return poolSize;
    }

    public Duration timeout() {
        return timeout;
    }

    /** How many times an unconditional update is attempted when other writers keep winning. */
    public int maxAttempts() {
        return maxAttempts;
    }

    /** Whether concurrent whole-document writes of this client share calls (default false; docs/decisions.md). */
    public boolean groupCommit() {
        return groupCommit;
    }

    /** Whether writes of this client's threads to one document are combined into chains (default true; docs/combining.md). */
    public boolean combineWrites() {
        return combineWrites;
    }

    /** Whether concurrent gets of one document by this client's threads share calls (default true; docs/combining.md). */
    public boolean combineReads() {
        return combineReads;
    }

    /** Whether this client's function calls share one connection (default true; docs/multiplexing.md). */
    public boolean multiplexCalls() {
        return multiplexCalls;
    }

    /**
     * How many replicas must have a document write before it is acknowledged (Redis {@code WAIT}
     * after the write, on its connection, up to {@link #timeout()}); 0, the default, acknowledges
     * when the primary has it. A write that fewer replicas confirm in time fails with
     * {@link UnavailableException} saying that it was applied on the primary but may be lost
     * in a failover (docs/cluster.md, "Durable writes").
     */
    public int durableReplicas() {
        return durableReplicas;
    }

    /**
     * How many past versions of each document this client asks for, overriding the server's
     * history policy ({@link History#setPolicies}); 0 (the default) leaves it to the server
     * policy. Per-pattern client policies take precedence.
     */
    public int historyLength() {
        return historyLength;
    }

    /**
     * Client-side history policies by key pattern, first match wins; keys matching none keep
     * {@link #historyLength()} versions when that is set. Prefer the policy kept in Redis
     * ({@link History#setPolicies}), which every writer follows; a client-side policy that
     * applies to a key overrides it for this client's writes (docs/watch.md).
     */
    public List<HistoryPolicy> historyPolicies() {
        return historyPolicies;
    }

    /**
     * The client-side history policy of {@code key}: the first matching per-pattern policy, else
     * {@link #historyLength()} when it is set; empty when the server policy applies.
     */
    public Optional<HistoryPolicy> clientHistoryFor(String key) {
        for (HistoryPolicy p : historyPolicies) {
            if (p.matches(key)) {
                return Optional.of(p);
            }
        }
        return historyLength > 0 ? Optional.of(new HistoryPolicy("*", historyLength, Duration.ZERO)) : Optional.empty();
    }

    /** A storage mode to use instead of the detected one (only PORTABLE can be forced). */
    public Optional<StorageMode> forcedMode() {
        return Optional.ofNullable(forcedMode);
    }

    /** How a {@code rediss://} connection verifies the server and presents a client certificate (docs/tls.md). */
    public TlsOptions tls() {
        return tls;
    }

    private static String defaultWriter() {
        String host;
        try {
            host = InetAddress.getLocalHost().getHostName();
        } catch (UnknownHostException e) {
            host = "localhost";
        }
        // not ManagementFactory's RuntimeMXBean: it starts JMX, ~50 classes per CLI call (issue 17)
        return host + ":" + ProcessHandle.current().pid();
    }

    public static final class Builder {
        private URI uri = URI.create(DEFAULT_URI);
        private String user;
        private Path passwordFile;
        private Path sentinelPasswordFile;
        private String writer;
        private String keyPrefix = DEFAULT_KEY_PREFIX;
        private int poolSize = DEFAULT_POOL_SIZE;
        private Duration timeout = DEFAULT_TIMEOUT;
        private int maxAttempts = DEFAULT_MAX_ATTEMPTS;
        private boolean groupCommit;
        private int durableReplicas;
        private boolean combineWrites = true;
        private boolean combineReads = true;
        private boolean multiplexCalls = true;
        private int historyLength;
        private final List<HistoryPolicy> historyPolicies = new ArrayList<>();
        private StorageMode forcedMode;
        private TlsOptions tls = TlsOptions.defaults();

        private Builder() {}

        public Builder uri(String uri) {
            URI parsed;
            try {
                parsed = URI.create(uri);
            } catch (IllegalArgumentException e) {
                throw new InvalidInputException("invalid Redis URL \"" + uri + "\": " + e.getMessage(), e);
            }
            return uri(parsed);
        }

        /**
         * {@code redis://[user:password@]host[:port][/db]} ({@code rediss://}: TLS), or a primary
         * managed by Sentinels: {@code redis-sentinel://[user:password@]host[:port][,host[:port]...][/db]?master=NAME},
         * or Redis Cluster: {@code redis-cluster://[user:password@]host[:port][,host[:port]...]}
         * ({@code rediss-cluster://}: TLS; docs/cluster.md).
         */
        public Builder uri(URI uri) {
            RedisEndpoint.parse(uri, Optional.empty(), Optional.empty()); // refuses a bad URL now, not at connect
            this.uri = uri;
            return this;
        }

        /** The Redis ACL user to authenticate as, e.g. {@code Role.WRITER.userName()}; null: the URL's. */
        public Builder user(String user) {
            if (user != null && (user.isBlank() || user.chars().anyMatch(c -> c <= ' '))) {
                throw new InvalidInputException("invalid Redis user name \"" + user + "\": empty or with white space");
            }
            this.user = user;
            return this;
        }

        /**
         * The file holding the password; read again whenever it changes, so a rotated password
         * reaches new connections without a restart.
         */
        public Builder passwordFile(Path passwordFile) {
            this.passwordFile = passwordFile;
            return this;
        }

        /** For Sentinels that require a password ({@code requirepass} in their config). */
        public Builder sentinelPasswordFile(Path sentinelPasswordFile) {
            this.sentinelPasswordFile = sentinelPasswordFile;
            return this;
        }

        public Builder writer(String writer) {
            if (writer == null || writer.isBlank()) {
                throw new InvalidInputException("writer name must not be empty");
            }
            this.writer = writer;
            return this;
        }

        public Builder keyPrefix(String keyPrefix) {
            if (keyPrefix == null || keyPrefix.isEmpty() || keyPrefix.contains("{") || keyPrefix.contains("}")) {
                throw new InvalidInputException(
                        "key prefix must be non-empty and contain no braces, got \"" + keyPrefix + "\"");
            }
            this.keyPrefix = keyPrefix;
            return this;
        }

        /**
         * The most pooled connections in use at once: for what does not go on the shared
         * connection of {@link #multiplexCalls(boolean)} (admin commands, pipelines, writes
         * confirmed by replicas, every call when multiplexing is off, every call on a cluster, per node).
         */
        public Builder poolSize(int poolSize) {
            if (poolSize < 1) {
                throw new InvalidInputException("pool size must be at least 1, got " + poolSize);
            }
            this.poolSize = poolSize;
            return this;
        }

        public Builder timeout(Duration timeout) {
            if (timeout.isNegative() || timeout.isZero()) {
                throw new InvalidInputException("timeout must be positive, got " + Durations.format(timeout));
            }
            this.timeout = timeout;
            return this;
        }

        public Builder maxAttempts(int maxAttempts) {
            if (maxAttempts < 1) {
                throw new InvalidInputException("maxAttempts must be at least 1, got " + maxAttempts);
            }
            this.maxAttempts = maxAttempts;
            return this;
        }

        /**
         * Whether threads of this client that write whole documents at the same time share one
         * call (group commit; default off). Each write stays atomic and independent either way.
         * It saves about a tenth of the CPU per write but, on a 2-core box where client and
         * server share the cores, gave less throughput and higher latency than one call per
         * write (docs/decisions.md): turn it on where CPU, not latency, is scarce.
         */
        public Builder groupCommit(boolean groupCommit) {
            this.groupCommit = groupCommit;
            return this;
        }

        /** See {@link StateStoreOptions#durableReplicas()}. */
        public Builder durableReplicas(int replicas) {
            if (replicas < 0 || replicas > 16) {
                throw new InvalidInputException(
                        "durableReplicas must be from 0 (acknowledge on the primary) to 16, got " + replicas);
            }
            this.durableReplicas = replicas;
            return this;
        }

        /**
         * Whether the writes this client's threads make to one document while a call for it is
         * in flight go together as one call (flat combining, default on; docs/combining.md). Off,
         * they take turns, one call each, as before library version 15; kept for comparison
         * (the benchmark's {@code --no-combining}) and for servers without {@code ss_chain}.
         */
        public Builder combineWrites(boolean combineWrites) {
            this.combineWrites = combineWrites;
            return this;
        }

        /**
         * Whether gets of one document that this client's threads begin while a read of it is in
         * flight share the next read (read combining, default on; docs/combining.md). A get never
         * shares a read sent before it began, so it still sees every write acknowledged before
         * it. Off, every get is its own call.
         */
        public Builder combineReads(boolean combineReads) {
            this.combineReads = combineReads;
            return this;
        }

        /**
         * Whether the function calls of this client's threads share one connection, written
         * together and answered in order (default on; docs/multiplexing.md), rather than each
         * taking a pooled connection of its own. Blocking reads (watches, event streams) always
         * have their own connections, and a cluster always uses Jedis's per-node pools.
         */
        public Builder multiplexCalls(boolean multiplexCalls) {
            this.multiplexCalls = multiplexCalls;
            return this;
        }

        public Builder historyLength(int historyLength) {
            if (historyLength < 0) {
                throw new InvalidInputException("historyLength must not be negative, got " + historyLength);
            }
            this.historyLength = historyLength;
            return this;
        }

        /** Adds a per-pattern history policy; policies are tried in the order added. */
        public Builder historyPolicy(HistoryPolicy policy) {
            if (policy == null) {
                throw new InvalidInputException("history policy must not be null");
            }
            this.historyPolicies.add(policy);
            return this;
        }

        /** Replaces the per-pattern history policies. */
        public Builder historyPolicies(List<HistoryPolicy> policies) {
            this.historyPolicies.clear();
            policies.forEach(this::historyPolicy);
            return this;
        }

        public Builder forceMode(StorageMode mode) {
            if (mode == StorageMode.MODULE) {
                throw new InvalidInputException(
                        "module mode cannot be forced; it is used when the server has a JSON module");
            }
            this.forcedMode = mode;
            return this;
        }

        /** CA file, client certificate, or the explicit insecure skip; only with a {@code rediss://} URL. */
        public Builder tls(TlsOptions tls) {
            this.tls = tls == null ? TlsOptions.defaults() : tls;
            return this;
        }

        public StateStoreOptions build() {
            TlsContexts.requireTlsUrl(uri, tls);
            if (sentinelPasswordFile != null && !uri.getScheme().endsWith("-sentinel")) {
                throw new InvalidInputException("a Sentinel password file goes with a redis-sentinel:// URL, not \""
                        + RedisEndpoint.parse(uri, Optional.empty(), Optional.empty())
                                .describe() + "\"");
            }
            return new StateStoreOptions(this);
        }
    }
}
