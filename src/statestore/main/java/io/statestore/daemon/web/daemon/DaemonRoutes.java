package io.statestore.daemon.web.daemon;

import io.statestore.daemon.backup.BackupException;
import io.statestore.daemon.backup.BackupResult;
import io.statestore.daemon.backup.BackupService;
import io.statestore.daemon.redis.RedisAdmin;
import io.statestore.daemon.status.DaemonBeat;
import io.statestore.daemon.status.DaemonRegistry;
import io.statestore.daemon.web.Access;
import io.statestore.daemon.web.WebError;
import io.statestore.daemon.web.WebRequest;
import io.statestore.daemon.web.WebRoutes;
import io.statestore.daemon.web.ops.Unavailable;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.quartz.Scheduler;

/**
 * The Daemon page's data (docs/dashboard-ops.md): the status hash, the daemons' heartbeats, each
 * scheduled job with its last run and next run, the Redis server's figures, and the backups:
 * listed for readers, verified and taken on demand by the admin role only (a backup is the whole
 * store, and taking one loads the server).
 */
public final class DaemonRoutes implements WebRoutes {
    private final RedisAdmin redis;
    private final String prefix;
    private final Scheduler scheduler;
    private final BackupService backups;

    /**
     * @param redis     the daemon's admin connections
     * @param prefix    the store's key prefix ({@code redis.keyPrefix}): where the status hash and the daemons hash are
     * @param scheduler the daemon's Quartz scheduler ({@code JobScheduler.quartz()})
     * @param backups   the daemon's backup service (its directory is {@code backup.dir})
     */
    public DaemonRoutes(RedisAdmin redis, String prefix, Scheduler scheduler, BackupService backups) {
        this.redis = redis;
        this.prefix = prefix;
        this.scheduler = scheduler;
        this.backups = backups;
    }

    @Override
    public void register(Registry registry) {
        registry.get("/daemon", Access.READER, Unavailable.as503(r -> overview()));
        registry.get("/daemon/backups", Access.READER, r -> BackupFacts.list(backups.dir()));
        registry.post("/daemon/backups/{name}/verify", Access.ADMIN, this::verify);
        registry.post("/daemon/backups", Access.ADMIN, r -> takeNow());
    }

    DaemonViews.Overview overview() throws Exception {
        Map<String, String> hash = redis.with(j -> j.hgetAll(prefix + "status"));
        Map<String, String> status = new TreeMap<>(hash);
        List<DaemonViews.Daemon> daemons = redis.with(j -> DaemonRegistry.read(j, prefix)).stream()
                .map(DaemonRoutes::daemon)
                .toList();
        DaemonViews.Server server = redis.with(j -> ServerFacts.read(j, redis.sentinel()));
        return new DaemonViews.Overview(status, daemons, JobFacts.read(scheduler, status), server);
    }

    private static DaemonViews.Daemon daemon(DaemonBeat b) {
        return new DaemonViews.Daemon(b.id(), b.alive(), b.pid(), b.host(), b.started(), b.ageMs(), b.intervalMs());
    }

    /** A file that is not a sound RDB is a result ({@code ok: false} with the reason), not a failed request. */
    DaemonViews.Verified verify(WebRequest request) throws Exception {
        Path file = BackupFacts.find(backups.dir(), request.pathParam("name"));
        String name = file.getFileName().toString();
        try {
            return new DaemonViews.Verified(name, true, backups.verifier().verify(file), null);
        } catch (BackupException e) {
            return new DaemonViews.Verified(name, false, null, e.getMessage());
        }
    }

    /** Runs at once (waiting for a scheduled backup in progress, which holds the service); rotation applies. */
    DaemonViews.Taken takeNow() throws InterruptedException {
        try {
            BackupResult r = backups.backupNow();
            return new DaemonViews.Taken(
                    r.file().getFileName().toString(),
                    r.size(),
                    r.source(),
                    r.verifiedBy(),
                    r.took().toMillis(),
                    r.rotatedAway().stream()
                            .map(p -> p.getFileName().toString())
                            .toList());
        } catch (BackupException e) {
            throw new WebError(500, e.getMessage());
        }
    }
}
