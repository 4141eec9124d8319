package io.statestore.daemon;

import io.statestore.client.Durations;
import io.statestore.client.StateStore;
import io.statestore.client.StateStoreOptions;
import io.statestore.client.Version;
import io.statestore.client.events.EventBusOptions;
import io.statestore.client.spi.KeyLayout;
import io.statestore.client.spi.RedisEndpoint;
import io.statestore.daemon.acl.DaemonAccess;
import io.statestore.daemon.backup.BackupNames;
import io.statestore.daemon.backup.BackupService;
import io.statestore.daemon.backup.EmbeddedRestore;
import io.statestore.daemon.config.DaemonConfig;
import io.statestore.daemon.expiry.ClusterExpiry;
import io.statestore.daemon.expiry.ExpiryListener;
import io.statestore.daemon.jobs.JobScheduler;
import io.statestore.daemon.jobs.JobServices;
import io.statestore.daemon.lease.JobLeases;
import io.statestore.daemon.life.DataDirLock;
import io.statestore.daemon.life.EmbeddedWatch;
import io.statestore.daemon.redis.DaemonKeys;
import io.statestore.daemon.redis.EmbeddedRedis;
import io.statestore.daemon.redis.PersistenceState;
import io.statestore.daemon.redis.PersistenceWatch;
import io.statestore.daemon.redis.RedisAdmin;
import io.statestore.daemon.redis.StaleAofRecovery;
import io.statestore.daemon.redis.StoreSetup;
import io.statestore.daemon.series.DaemonFigures;
import io.statestore.daemon.series.Retention;
import io.statestore.daemon.series.SeriesKeys;
import io.statestore.daemon.series.SeriesSampler;
import io.statestore.daemon.series.SeriesStore;
import io.statestore.daemon.series.SeriesStores;
import io.statestore.daemon.spool.SpoolForwarder;
import io.statestore.daemon.status.EventBusMetrics;
import io.statestore.daemon.status.HealthWatch;
import io.statestore.daemon.status.HttpToken;
import io.statestore.daemon.status.Metrics;
import io.statestore.daemon.status.PrimaryMetrics;
import io.statestore.daemon.status.StatusStore;
import io.statestore.daemon.sweep.DocumentArchiver;
import io.statestore.daemon.sweep.Reaper;
import io.statestore.daemon.sweep.RetentionSweeper;
import io.statestore.daemon.trim.EventTrimmer;
import io.statestore.daemon.trim.StreamTrimmer;
import io.statestore.daemon.web.Credentials;
import io.statestore.daemon.web.DocumentRoutes;
import io.statestore.daemon.web.LiveFeed;
import io.statestore.daemon.web.WebRoutes;
import io.statestore.daemon.web.WebServer;
import io.statestore.daemon.web.daemon.DaemonRoutes;
import io.statestore.daemon.web.events.EventBusRoutes;
import io.statestore.daemon.web.series.SeriesRoutes;
import io.statestore.daemon.web.tasks.TaskRoutes;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The daemon's lifecycle in two readable methods: {@link #start()} (embedded server, store
 * and function library, services, listener, HTTP, scheduler) and {@link #stop()} (stop
 * scheduling, bounded wait for jobs, release leases, close connections, stop the server with
 * a save). Everything is an instance field; several daemons can live in one JVM (tests).
 */
public final class Daemon implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Daemon.class);
    /** Scrapes within this interval share one {@code EventBus.info()} call. */
    private static final java.time.Duration EVENT_METRICS_CACHE = java.time.Duration.ofSeconds(1);

    private final DaemonConfig config;
    private final DaemonAccess access;
    private final Metrics metrics = new Metrics();
    private final CountDownLatch stopped = new CountDownLatch(1);
    private DataDirLock lock;
    private EmbeddedRedis embedded;
    private EmbeddedWatch watch;
    private StateStore store;
    private RedisAdmin admin;
    private JobLeases leases;
    private StatusStore status;
    private BackupService backups;
    private ExpiryListener expiry;
    private ClusterExpiry clusterExpiry;
    private WebServer http;
    private JobScheduler scheduler;
    private JobServices services;
    private ScheduledExecutorService heartbeat;
    /**
     * Keeps the role users on every server (DaemonAccess.maintain), apart from the heartbeat: a
     * silent replica or node costs redis.timeout per pass, and on the heartbeat's thread a few of
     * them let the daemon's heartbeat entry expire (docs/security.md).
     */
    private ScheduledExecutorService aclUpkeep;

    private HealthWatch health;
    private PersistenceWatch persistence;
    private SpoolForwarder spool;
    private SeriesStore series;
    private boolean stopping;

    public Daemon(DaemonConfig config) {
        this.config = config;
        this.access = new DaemonAccess(config);
    }

    public synchronized void start() throws Exception {
        lock = DataDirLock.acquire(config.dataPath()); // first: a second daemon touches nothing
        try {
            startLocked();
        } catch (Exception | Error e) {
            stop(); // releases what started, the lock last
            throw e;
        }
    }

    private void startLocked() throws Exception {
        String uri = config.redis().url();
        if (config.redis().embedded()) {
            String pwFile = config.redis().passwordFile();
            embedded = new EmbeddedRedis(
                    config.embedded(),
                    config.redisDataPath(),
                    access.embeddedAccess(
                            blank(pwFile) ? null : RedisEndpoint.readPassword(Path.of(pwFile), "redis.passwordFile")));
            watch = new EmbeddedWatch(embedded, () -> status, this::stop);
            embedded.beforeLaunch(new StaleAofRecovery(
                    config.redisDataPath(), () -> new EmbeddedRestore(config).rebuildAofFromRdb())::recoverIfStale);
            embedded.start();
            uri = embedded.uri();
        }
        StateStoreOptions options = config.redisOptions()
                .writer(
                        blank(config.redis().writer())
                                ? "statestore-daemon@" + config.daemon().id()
                                : config.redis().writer())
                .build();
        store = StateStore.connect(options); // installs or upgrades the function library
        admin = new RedisAdmin(options);
        boolean cluster = admin.cluster();
        KeyLayout layout = new KeyLayout(config.redis().keyPrefix(), cluster);
        String prefix = config.redis().keyPrefix();
        String ownKeys = DaemonKeys.prefix(prefix, cluster);
        StoreSetup setup = new StoreSetup(admin, layout);
        setup.settings(config.redis().feedMaxLength(), config.redis().jsonCheck());
        Runnable eventLimits = () -> setup.eventBusLimits(
                config.trim().events().maxLength(),
                EventBusOptions.DEFAULT_ID_RETENTION,
                EventBusOptions.DEFAULT_MAX_IDS);
        eventLimits.run();
        if (!cluster) { // no v10 layout can exist on a cluster
            setup.upgradeLayout();
        }
        access.afterConnect(admin, uri);
        leases = new JobLeases(
                admin, ownKeys, config.daemon().id(), config.daemon().leaseTtl());
        status = new StatusStore(
                admin, ownKeys, config.daemon().id(), config.daemon().heartbeatInterval());
        Reaper reaper = new Reaper(admin, layout, options.writer());
        Optional<DocumentArchiver> archiver = blank(config.sweep().archiveDir())
                ? Optional.empty()
                : Optional.of(new DocumentArchiver(Path.of(config.sweep().archiveDir())));
        RetentionSweeper sweeper =
                new RetentionSweeper(store, admin, layout, config.sweep().policies(), archiver, reaper);
        backups = new BackupService(admin, config.backup(), config.backupPath());
        // on a cluster the limits are per type: types first published since the last trim get them then
        EventTrimmer eventTrimmer = cluster
                ? new EventTrimmer(store.events(), config.trim().events(), eventLimits)
                : new EventTrimmer(store.events(), config.trim().events());
        services = new JobServices(
                config,
                leases,
                status,
                metrics,
                sweeper,
                new StreamTrimmer(admin, layout),
                eventTrimmer,
                backups,
                seriesSampler(prefix));
        health = new HealthWatch(admin, embedded != null, () -> embedded == null || embedded.alive());
        publishStatus(uri);
        if (embedded != null) {
            persistence =
                    new PersistenceWatch(admin, config.redisDataPath(), s -> status.put(Map.of("persistence", s)));
            persistence.start();
        }
        registerGauges(prefix, cluster);
        if (!cluster) { // the event bus (and so its spool) is refused on a cluster (docs/cluster.md)
            spool = new SpoolForwarder(
                    config.dataPath(), options, config.trim().events().maxLength());
            spool.register(metrics);
        }
        heartbeat = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "heartbeat");
            t.setDaemon(true);
            return t;
        });
        long every = config.daemon().heartbeatInterval().toMillis();
        heartbeat.scheduleAtFixedRate(this::beat, 0, every, TimeUnit.MILLISECONDS);
        aclUpkeep = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "acl-upkeep");
            t.setDaemon(true);
            return t;
        });
        aclUpkeep.scheduleWithFixedDelay(this::keepRoles, every, every, TimeUnit.MILLISECONDS);
        if (config.expiry().enabled() && !cluster) {
            expiry = new ExpiryListener(admin, reaper);
            expiry.start();
        } else if (config.expiry().enabled()) {
            clusterExpiry = new ClusterExpiry(admin, reaper); // notifications are per node: one per primary
            clusterExpiry.start();
        }
        // before the HTTP server, whose Daemon page reads the jobs' triggers; started after it
        scheduler = new JobScheduler(config, services);
        scheduler.register(metrics);
        if (config.http().enabled()) {
            Optional<String> beyondLoopback = HttpToken.forBind(config.http().bind(), config.dataPath());
            Credentials credentials =
                    new Credentials(access.secrets()::file, Optional.of(HttpToken.always(config.dataPath())));
            http = new WebServer(new WebServer.Setup(
                    config.http().bind(),
                    config.http().port(),
                    health::problems,
                    metrics,
                    credentials,
                    webRoutes(layout, prefix),
                    Optional.of(new LiveFeed(store))));
            LOG.info(
                    "HTTP dashboard, /health and /metrics on {}:{}{}",
                    config.http().bind(),
                    http.port(),
                    beyondLoopback.isPresent()
                            ? " (beyond loopback: bearer token in "
                                    + config.dataPath().resolve(HttpToken.FILE) + ")"
                            : "");
        }
        scheduler.start();
        LOG.info(
                "statestore {} daemon {} started: {} ({} mode, server {}), {} jobs scheduled",
                Version.current(),
                config.daemon().id(),
                embedded != null
                        ? "embedded redis-server on " + uri
                                + (config.embedded().unixSocket() ? " and " + embedded.socket() : "")
                        : RedisEndpoint.redacted(uri),
                store.mode().name().toLowerCase(java.util.Locale.ROOT),
                store.serverVersion(),
                scheduler.jobCount());
    }

    /** Time series (docs/series.md): the layout the server supports, sampled by the "series" job. */
    private SeriesSampler seriesSampler(String prefix) {
        DaemonConfig.SeriesStore c = config.seriesStore();
        if (!c.enabled()) {
            return null;
        }
        if (admin.cluster()) {
            LOG.info("time series: not on a cluster yet (docs/cluster.md); seriesStore.enabled is ignored");
            return null;
        }
        series = SeriesStores.open(
                admin, prefix, new Retention(c.rawRetention(), c.minuteRetention()), java.time.Clock.systemUTC());
        LOG.info(
                "time series: {} layout, {} sampled series configured{}",
                series.layout(),
                config.series().size(),
                c.builtin() ? ", built-in daemon series every " + Durations.format(c.builtinEvery()) : "");
        return new SeriesSampler(
                series,
                new SeriesKeys(prefix),
                admin,
                store,
                config.series(),
                c.builtin() ? new DaemonFigures(admin, store.events(), prefix) : null,
                c.builtinEvery(),
                java.time.Clock.systemUTC());
    }

    /** The dashboard's endpoint groups (docs/dashboard.md); each is mounted under /api. */
    private List<WebRoutes> webRoutes(KeyLayout layout, String prefix) {
        List<WebRoutes> routes = new ArrayList<>();
        routes.add(new DocumentRoutes(store, admin, layout));
        if (!admin.cluster()) {
            routes.add(new EventBusRoutes(store.events(), admin));
        }
        routes.add(new TaskRoutes(admin, prefix));
        routes.add(new DaemonRoutes(admin, DaemonKeys.prefix(prefix, admin.cluster()), scheduler.quartz(), backups));
        series().ifPresent(s -> routes.add(new SeriesRoutes(s, java.time.Clock.systemUTC())));
        return routes;
    }

    private void publishStatus(String uri) {
        Map<String, String> f = new LinkedHashMap<>();
        f.put("version", Version.current());
        f.put("mode", store.mode().name().toLowerCase(java.util.Locale.ROOT));
        f.put("server_version", store.serverVersion());
        f.put("started_at", Instant.now().toString());
        f.put("daemon", config.daemon().id());
        f.put("redis", embedded != null ? "embedded " + uri : RedisEndpoint.redacted(uri));
        f.put("acl", access.describe());
        if (watch != null) {
            f.putAll(watch.statusFields());
        }
        status.put(f);
    }

    private void registerGauges(String prefix, boolean cluster) {
        metrics.describe("statestore_job_runs_total", "Scheduled job runs executed by this daemon");
        metrics.describe("statestore_job_failures_total", "Scheduled job runs that failed");
        metrics.describe(
                "statestore_job_leases_lost_total",
                "Scheduled job runs that lost their lease while running (another daemon may have run the job too)");
        metrics.describe("statestore_backup_bytes_total", "Bytes written by successful backups");
        metrics.describe(
                "statestore_series_samples_total", "Time-series samples stored by this daemon's sampling runs");
        metrics.describe(
                "statestore_series_skipped_total",
                "Samples skipped: the document or field was missing or not a number");
        metrics.gauge(
                "statestore_acl_servers_not_reached",
                "Replicas or cluster nodes the last upkeep of the role users could not reach (they may lack"
                        + " the users; -1: roles not kept by this daemon)",
                access::serversNotReached);
        metrics.gauge(
                "statestore_embedded_restarts",
                "Restarts of the embedded redis-server",
                () -> embedded == null ? 0 : embedded.restarts());
        if (watch != null) {
            watch.register(metrics);
        }
        if (!cluster) { // on a cluster the feed is per slot: the per-primary figures below
            metrics.gauge(
                    "statestore_feed_length",
                    "Entries in the change feed",
                    () -> admin.with(j -> j.xlen(prefix + "feed")));
            metrics.gauge(
                    "statestore_feed_entries_added",
                    "Changes committed to the feed since it was created (XINFO STREAM entries-added)",
                    () -> ((Number) admin.with(j -> j.xinfoStream(prefix + "feed")
                                    .getStreamInfo()
                                    .get("entries-added")))
                            .doubleValue());
        }
        // the pools keep JMX off (no MBean name clashes between stores), so Micrometer's pool binder sees nothing
        metrics.gauge(
                "statestore_admin_pool_active",
                "Connections of the daemon's Redis pool in use",
                () -> admin.poolFigures()[0]);
        metrics.gauge(
                "statestore_admin_pool_idle",
                "Idle connections of the daemon's Redis pool",
                () -> admin.poolFigures()[1]);
        metrics.gauge(
                "statestore_admin_pool_waiters",
                "Callers waiting for a connection of the daemon's Redis pool",
                () -> admin.poolFigures()[2]);
        metrics.gauge(
                "statestore_expired_reaped",
                "Tombstones written by the expiry listener",
                () -> expiry != null ? expiry.reaped() : clusterExpiry != null ? clusterExpiry.reaped() : 0);
        if (!cluster) {
            new EventBusMetrics(store.events(), EVENT_METRICS_CACHE).register(metrics);
        } else {
            new PrimaryMetrics(admin).register(metrics);
        }
        metrics.gauge("statestore_backup_age_seconds", "Age of the newest backup", () -> newestBackup(true));
        metrics.gauge("statestore_backup_size_bytes", "Size of the newest backup", () -> newestBackup(false));
    }

    private double newestBackup(boolean age) {
        try {
            List<Path> l = BackupNames.list(backups.dir());
            if (l.isEmpty()) {
                return Double.NaN;
            }
            return age
                    ? (System.currentTimeMillis()
                                    - Files.getLastModifiedTime(l.get(0)).toMillis())
                            / 1000.0
                    : Files.size(l.get(0));
        } catch (java.io.IOException e) {
            return Double.NaN;
        }
    }

    private void beat() {
        try {
            status.heartbeat(config.daemon().heartbeatTtl());
        } catch (RuntimeException e) {
            LOG.warn("heartbeat failed: {}", io.statestore.client.spi.RedisFailures.describe(e));
            LOG.debug("heartbeat failure", e);
        }
        health.check();
    }

    private void keepRoles() {
        try {
            access.maintain();
            status.put(Map.of("acl", access.describe()));
        } catch (redis.clients.jedis.exceptions.JedisConnectionException e) {
            // the primary away: the heartbeat's own warning says so, once per beat already
            LOG.debug("role users upkeep: {}", io.statestore.client.spi.RedisFailures.describe(e));
        } catch (RuntimeException e) {
            if (aclUpkeep.isShutdown()) {
                // stopping: the connections closed under a pass that was waiting on a server
                LOG.debug(
                        "role users upkeep ended by the stop: {}", io.statestore.client.spi.RedisFailures.describe(e));
                return;
            }
            LOG.warn("keeping the role users failed: {}", io.statestore.client.spi.RedisFailures.describe(e));
            LOG.debug("role users upkeep failure", e);
        }
    }

    public boolean healthy() {
        return health.problems().isEmpty();
    }

    /** Orderly stop; safe to call more than once and from a shutdown hook. */
    public void stop() {
        synchronized (this) {
            if (stopping) {
                return;
            }
            stopping = true;
        }
        if (embedded != null) {
            embedded.expectStop(); // from now on its exit is no crash
        }
        if (scheduler != null) {
            LOG.info(
                    "stopping: no new job runs; waiting up to {} for running jobs",
                    Durations.format(config.daemon().shutdownTimeout()));
        }
        try {
            if (scheduler != null && !scheduler.stop(config.daemon().shutdownTimeout())) {
                LOG.warn(
                        "jobs still running after {}; aborting them",
                        Durations.format(config.daemon().shutdownTimeout()));
                backups.abort();
                scheduler.stop(java.time.Duration.ofSeconds(5));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            if (backups != null) {
                backups.abort();
            }
        }
        closeQuietly(scheduler);
        // with the embedded server gone first (a group SIGTERM), leases and heartbeat expire on their own
        boolean serverUp = embedded == null || embedded.alive();
        if (leases != null && serverUp) {
            leases.releaseAll();
        }
        if (heartbeat != null) {
            heartbeat.shutdownNow();
        }
        if (aclUpkeep != null) {
            aclUpkeep.shutdownNow();
        }
        closeQuietly(expiry);
        closeQuietly(clusterExpiry);
        closeQuietly(http);
        metrics.close();
        if (status != null && serverUp) {
            try {
                status.clearHeartbeat();
            } catch (RuntimeException ignored) {
                // the heartbeat expires on its own
            }
        }
        closeQuietly(health);
        if (persistence != null) {
            persistence.close();
            persistence.beforeStop(config.embedded().stopTimeout()); // AOF failing: a marked snapshot first
            persistence.release();
        }
        closeQuietly(spool);
        closeQuietly(store);
        closeQuietly(admin);
        closeQuietly(embedded);
        closeQuietly(lock);
        if (scheduler != null) {
            LOG.info("statestore daemon stopped");
        }
        stopped.countDown();
    }

    public void awaitStop() throws InterruptedException {
        stopped.await();
    }

    /** Waits for the stop and returns the exit code: 0, or non-zero when the embedded server would not stay up. */
    public int awaitExit() throws InterruptedException {
        stopped.await();
        return exitCode();
    }

    public int exitCode() {
        return watch == null ? 0 : watch.exitCode();
    }

    @Override
    public void close() {
        stop();
    }

    private static void closeQuietly(AutoCloseable c) {
        if (c == null) {
            return;
        }
        try {
            c.close();
        } catch (Exception e) {
            LOG.warn("closing {}: {}", c.getClass().getSimpleName(), e.getMessage());
        }
    }

    private static boolean blank(String s) {
        return s == null || s.isBlank();
    }

    public DaemonConfig config() {
        return config;
    }

    public Optional<EmbeddedRedis> embedded() {
        return Optional.ofNullable(embedded);
    }

    public JobServices services() {
        return services;
    }

    public Metrics metrics() {
        return metrics;
    }

    /** The embedded server's persistence (AOF, RDB, free space); empty with an external server. */
    public Optional<PersistenceState> persistence() {
        return Optional.ofNullable(persistence).map(PersistenceWatch::state);
    }

    /** The time series the "series" job samples (for the dashboard's SeriesRoutes); empty when seriesStore.enabled is false. */
    public Optional<SeriesStore> series() {
        return Optional.ofNullable(series);
    }

    public Optional<WebServer> http() {
        return Optional.ofNullable(http);
    }
}
