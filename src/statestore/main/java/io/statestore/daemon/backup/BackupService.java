package io.statestore.daemon.backup;

import io.statestore.daemon.config.DaemonConfig;
import io.statestore.daemon.files.PrivateFiles;
import io.statestore.daemon.redis.RedisAdmin;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Makes one backup: snapshot, obtain, verify, move atomically into the backup directory,
 * rotate. Work happens in a hidden {@code .partial} file that is deleted on any failure or
 * abort, so the backup directory only ever holds complete, verified files.
 */
public final class BackupService {
    private static final Logger LOG = LoggerFactory.getLogger(BackupService.class);

    private final RedisAdmin redis;
    private final DaemonConfig.Backup cfg;
    private final Path dir;
    private final RdbSaver saver;
    private final RdbFetcher fetcher;
    private final RdbVerifier verifier;
    private volatile boolean aborted;
    private volatile Path working;

    public BackupService(RedisAdmin redis, DaemonConfig.Backup cfg, Path dir) {
        this.redis = redis;
        this.cfg = cfg;
        this.dir = dir;
        this.saver = new RdbSaver(redis);
        this.fetcher = new RdbFetcher(redis);
        this.verifier = new RdbVerifier(cfg.checkRdbBinary());
    }

    public Path dir() {
        return dir;
    }

    public RdbVerifier verifier() {
        return verifier;
    }

    public synchronized BackupResult backupNow() throws BackupException, InterruptedException {
        if (redis.cluster()) { // one RDB per primary, as one set (docs/cluster.md, "Backups of a cluster")
            try {
                return new ClusterBackup(redis, fetcher, verifier, dir, cfg.keep())
                        .backupNow(cfg.timeout(), () -> aborted);
            } catch (IOException | RuntimeException e) {
                throw new BackupException("backup failed: " + e.getMessage(), e);
            }
        }
        long t0 = System.nanoTime();
        Instant at = Instant.now();
        Path tmp = null;
        try {
            PrivateFiles.directory(dir);
            for (Path stale : BackupNames.partials(dir)) {
                Files.deleteIfExists(stale);
            }
            tmp = dir.resolve("." + BackupNames.name(at) + BackupNames.PARTIAL_SUFFIX);
            working = tmp;
            String source = obtain(tmp);
            PrivateFiles.file(tmp); // the whole store is in it
            String verifiedBy = verifier.verify(tmp);
            check();
            Path target = dir.resolve(BackupNames.name(at));
            Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE);
            working = null;
            long size = Files.size(target);
            List<Path> rotated =
                    new BackupRotation(cfg.keep(), cfg.keepDaily(), cfg.keepWeekly()).rotate(BackupNames.list(dir));
            Duration took = Duration.ofNanos(System.nanoTime() - t0);
            LOG.info(
                    "backup: {} ({} bytes, via {}, verified by {}) in {} ms; rotated away {}",
                    target,
                    size,
                    source,
                    verifiedBy,
                    took.toMillis(),
                    rotated.size());
            return new BackupResult(target, size, source, verifiedBy, took, rotated);
        } catch (IOException e) {
            throw new BackupException("backup failed: " + e.getMessage(), e);
        } catch (RuntimeException e) {
            throw new BackupException("backup failed: " + e.getMessage(), e);
        } finally {
            working = null;
            if (tmp != null) {
                try {
                    Files.deleteIfExists(tmp);
                } catch (IOException e) {
                    LOG.warn("could not remove partial backup {}: {}", tmp, e.getMessage());
                }
            }
        }
    }

    private String obtain(Path tmp) throws BackupException, IOException, InterruptedException {
        String mode = cfg.source();
        Path local = "replication".equals(mode) ? null : fetcher.localFile();
        if ("local".equals(mode) && local == null) {
            throw new BackupException("backup.source is local but the server's RDB file is not readable from here");
        }
        if (local != null) {
            saver.save(cfg.timeout(), () -> aborted);
            check();
            fetcher.copy(fetcher.localFile(), tmp, () -> aborted);
            return "local file";
        }
        fetcher.replicate(tmp, (int) cfg.timeout().toMillis(), () -> aborted);
        return "replication";
    }

    private void check() throws BackupException {
        if (aborted) {
            throw new BackupException("backup aborted by shutdown");
        }
    }

    /** Stops a running backup at its next step and removes its partial file (shutdown). */
    public void abort() {
        aborted = true;
        Path w = working;
        if (w != null) {
            try {
                Files.deleteIfExists(w);
            } catch (IOException ignored) {
                // the finally block of the running backup retries
            }
        }
    }

    RedisAdmin redis() {
        return redis;
    }
}
