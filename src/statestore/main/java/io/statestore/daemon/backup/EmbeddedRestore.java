package io.statestore.daemon.backup;

import io.statestore.client.Durations;
import io.statestore.daemon.acl.DaemonAccess;
import io.statestore.daemon.config.DaemonConfig;
import io.statestore.daemon.redis.EmbeddedRedis;
import io.statestore.daemon.redis.EmbeddedTls;
import io.statestore.daemon.redis.RedisAdmin;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import redis.clients.jedis.Jedis;

/**
 * Restores an RDB backup into the embedded server's data directory (the daemon must be
 * stopped): the current AOF directory and dump are kept aside as {@code *.before-restore-<ms>},
 * the RDB is loaded with AOF off, AOF is switched on (Redis rewrites it from the loaded data;
 * with AOF on and no AOF files it would start empty), and the server stops with a save.
 */
public final class EmbeddedRestore {
    private final DaemonConfig cfg;

    public EmbeddedRestore(DaemonConfig cfg) {
        this.cfg = cfg;
    }

    /** Keys loaded, and the suffix the previous data was kept under. */
    public record Result(long keys, String stamp) {}

    public Result restore(Path file) throws BackupException, IOException, InterruptedException {
        Path dir = cfg.redisDataPath();
        Files.createDirectories(dir);
        String stamp = String.valueOf(System.currentTimeMillis());
        setAside(dir.resolve("appendonlydir"), stamp);
        Path dump = dir.resolve("dump.rdb");
        setAside(dump, stamp);
        Path tmp = dir.resolve(".dump.rdb.restoring");
        Files.copy(file, tmp, StandardCopyOption.REPLACE_EXISTING);
        Files.move(tmp, dump, StandardCopyOption.ATOMIC_MOVE);
        return new Result(loadAndRebuildAof(dir), stamp);
    }

    /**
     * Loads the data directory's {@code dump.rdb} with AOF off and rebuilds the AOF from it (the
     * caller has set the old AOF directory aside); the key count. Used after a stale AOF.
     */
    public long rebuildAofFromRdb() throws BackupException, InterruptedException {
        return loadAndRebuildAof(cfg.redisDataPath());
    }

    private static void setAside(Path p, String stamp) throws IOException {
        if (Files.exists(p)) {
            Files.move(p, p.resolveSibling(p.getFileName() + ".before-restore-" + stamp));
        }
    }

    private long loadAndRebuildAof(Path dir) throws BackupException, InterruptedException {
        DaemonConfig.Embedded e = cfg.embedded();
        List<String> args = new ArrayList<>(e.extraArgs());
        args.addAll(List.of("--appendonly", "no")); // later arguments win
        DaemonConfig.Embedded loadOnly = new DaemonConfig.Embedded(
                e.binary(),
                e.bind(),
                e.port(),
                e.unixSocket(),
                e.appendfsync(),
                e.save(),
                e.startTimeout(),
                e.stopTimeout(),
                e.restartBackoff(),
                e.maxRestartBackoff(),
                args,
                e.tls()); // on the same address as the daemon's server, so with the same TLS
        try {
            // the restoring server is as closed as the daemon's: its ACL file, the admin's password
            EmbeddedRedis.Access access = new DaemonAccess(cfg).embeddedAccess(null);
            return loadWith(loadOnly, dir, access);
        } catch (IOException ex) {
            throw new BackupException(
                    "the embedded server did not start from the restored file: " + ex.getMessage(), ex);
        }
    }

    private long loadWith(DaemonConfig.Embedded loadOnly, Path dir, EmbeddedRedis.Access access)
            throws BackupException, IOException, InterruptedException {
        DaemonConfig.Embedded e = loadOnly;
        try (EmbeddedRedis server = new EmbeddedRedis(loadOnly, dir, access)) {
            server.start();
            try (Jedis j = RedisAdmin.loopback(
                    e.bind(),
                    e.port(),
                    5000,
                    access.user(),
                    access.password().get(),
                    e.tls() ? EmbeddedTls.clientTls(cfg.dataPath()) : null)) {
                long keys = j.dbSize();
                j.configSet("appendonly", "yes");
                awaitAofRewrite(j, dir);
                return keys;
            }
        }
    }

    private void awaitAofRewrite(Jedis j, Path dir) throws BackupException, InterruptedException {
        long deadline = System.nanoTime() + cfg.backup().timeout().toNanos();
        while (true) {
            String info = j.info("persistence");
            if (info.contains("aof_rewrite_in_progress:0")
                    && info.contains("aof_rewrite_scheduled:0")
                    && Files.exists(dir.resolve("appendonlydir"))) {
                if (!info.contains("aof_last_bgrewrite_status:ok")) {
                    throw new BackupException(
                            "rebuilding the AOF from the restored data failed; see " + dir.resolve("redis.log"));
                }
                return;
            }
            if (System.nanoTime() > deadline) {
                throw new BackupException("rebuilding the AOF did not finish within "
                        + Durations.format(cfg.backup().timeout()));
            }
            Thread.sleep(50);
        }
    }
}
