package io.statestore.daemon.config;

import io.statestore.client.Role;
import io.statestore.client.StateStoreOptions;
import io.statestore.daemon.redis.EmbeddedTls;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * The daemon's whole configuration, immutable and already validated. Built by {@link ConfigLoader}
 * from the bundled defaults, the YAML file and {@code STATESTORE_*} environment variables.
 */
public record DaemonConfig(
        Redis redis,
        Embedded embedded,
        String dataDir,
        Acl acl,
        Daemon daemon,
        Http http,
        Sweep sweep,
        Trim trim,
        Backup backup,
        Expiry expiry,
        List<Sampled> series,
        SeriesStore seriesStore) {

    /** Options to reach the daemon's Redis from outside the daemon (CLI commands): redis.url, or the embedded server. */
    public StateStoreOptions.Builder redisOptions() {
        StateStoreOptions.Builder b =
                redis.embedded() ? EmbeddedTls.clientOptions(redis, embedded, dataPath()) : redis.options(redis.url());
        if (acl.enabled() && redis.embedded()) {
            // the daemon's own credential: CLI commands that load this config act as the daemon
            b.user(Role.ADMIN.userName()).passwordFile(secretsPath().resolve(Role.ADMIN.userName() + ".password"));
        }
        return b;
    }

    /** The roles' password files (docs/security.md). */
    public Path secretsPath() {
        return dataPath().resolve("secrets");
    }

    /** An empty {@code url} means: start and supervise the embedded redis-server. */
    /**
     * {@code feedMaxLength}: the store setting every write trims the change feed to (0: no trimming);
     * {@code jsonCheck}: the store setting "the functions check every JSON value" (false: trusted writers).
     */
    public record Redis(
            String url,
            String passwordFile,
            String sentinelPasswordFile,
            String keyPrefix,
            Duration timeout,
            String writer,
            long feedMaxLength,
            boolean jsonCheck,
            TlsConfig tls) {
        public boolean embedded() {
            return url == null || url.isBlank();
        }

        /** Options to reach {@code uri} (this URL, or the embedded server's) with the password files set here. */
        public StateStoreOptions.Builder options(String uri) {
            StateStoreOptions.Builder b =
                    StateStoreOptions.builder().uri(uri).keyPrefix(keyPrefix).timeout(timeout);
            if (passwordFile != null && !passwordFile.isBlank()) {
                b.passwordFile(Path.of(passwordFile));
            }
            if (sentinelPasswordFile != null && !sentinelPasswordFile.isBlank()) {
                b.sentinelPasswordFile(Path.of(sentinelPasswordFile));
            }
            return tls != null && tls.configured() ? b.tls(tls.options()) : b;
        }
    }

    /** {@code maxRestarts} within {@code restartWindow}: past that the daemon gives up and exits non-zero. */
    public record Embedded(
            String binary,
            String bind,
            int port,
            boolean unixSocket,
            String appendfsync,
            String save,
            Duration startTimeout,
            Duration stopTimeout,
            Duration restartBackoff,
            Duration maxRestartBackoff,
            List<String> extraArgs,
            boolean tls,
            int maxRestarts,
            Duration restartWindow) {
        public static final int DEFAULT_MAX_RESTARTS = 5;
        public static final Duration DEFAULT_RESTART_WINDOW = Duration.ofMinutes(5);

        /** Without the restart bound: the defaults (5 within 5m). */
        public Embedded(
                String binary,
                String bind,
                int port,
                boolean unixSocket,
                String appendfsync,
                String save,
                Duration startTimeout,
                Duration stopTimeout,
                Duration restartBackoff,
                Duration maxRestartBackoff,
                List<String> extraArgs,
                boolean tls) {
            this(
                    binary,
                    bind,
                    port,
                    unixSocket,
                    appendfsync,
                    save,
                    startTimeout,
                    stopTimeout,
                    restartBackoff,
                    maxRestartBackoff,
                    extraArgs,
                    tls,
                    DEFAULT_MAX_RESTARTS,
                    DEFAULT_RESTART_WINDOW);
        }
    }

    /** Roles as ACL users (docs/security.md); the key lists are Redis globs of documents. */
    public record Acl(
            boolean enabled,
            List<String> writerKeys,
            List<String> readerKeys,
            Duration rotationGrace,
            boolean replicas) {}

    public record Daemon(
            String id,
            Duration heartbeatInterval,
            Duration heartbeatTtl,
            Duration shutdownTimeout,
            Duration leaseTtl) {}

    public record Http(boolean enabled, String bind, int port) {}

    public record Sweep(boolean enabled, String schedule, String archiveDir, List<Policy> policies) {}

    /** Retention for the documents whose keys match {@code pattern} (a Redis glob). */
    public record Policy(String pattern, Duration maxAge, int keepNewest, Duration defaultTtl) {}

    /** {@code streams}: plain streams such as the change feed; {@code events}: the event bus's streams. */
    public record Trim(boolean enabled, String schedule, List<Stream> streams, Events events) {}

    /**
     * Trimming of every event-bus stream (each type, its dead letters, the global stream) through
     * {@code EventBus.trim}: beyond {@code maxLength} entries (0 = no length limit) and older than
     * {@code maxAge} (0 = no age limit), never past an entry a consumer group has not acknowledged.
     */
    public record Events(boolean enabled, long maxLength, Duration maxAge) {}

    public record Stream(String key, Duration maxAge, long maxLength) {}

    public record Backup(
            boolean enabled,
            String schedule,
            String dir,
            int keep,
            int keepDaily,
            int keepWeekly,
            String source,
            Duration timeout,
            String checkRdbBinary) {}

    public record Expiry(boolean enabled) {}

    /**
     * A numeric field of a document sampled every {@code every} (docs/series.md); {@code name}
     * defaults to the key followed by the path, e.g. {@code quantum:status$.queue_depth}.
     */
    public record Sampled(String name, String key, String path, Duration every) {
        public String seriesName() {
            return name == null || name.isBlank() ? key + path : name;
        }
    }

    /**
     * The sampling job ({@code schedule}: cron, how often it looks for series that are due) and
     * the storage: raw samples kept {@code rawRetention}, per-minute buckets {@code minuteRetention};
     * {@code builtin}: also sample the daemon's own figures every {@code builtinEvery}.
     */
    public record SeriesStore(
            boolean enabled,
            String schedule,
            Duration rawRetention,
            Duration minuteRetention,
            boolean builtin,
            Duration builtinEvery) {
        public static final SeriesStore DEFAULT = new SeriesStore(
                true, "*/5 * * * * ?", Duration.ofDays(1), Duration.ofDays(30), true, Duration.ofSeconds(10));
    }

    /** The data directory: redis data under {@code redis/}, backups under {@code backups/} unless set. */
    public Path dataPath() {
        return Path.of(dataDir);
    }

    public Path redisDataPath() {
        return dataPath().resolve("redis");
    }

    public Path backupPath() {
        return backup.dir() == null || backup.dir().isBlank() ? dataPath().resolve("backups") : Path.of(backup.dir());
    }
}
