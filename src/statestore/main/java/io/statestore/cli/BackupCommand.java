package io.statestore.cli;

import io.statestore.client.Role;
import io.statestore.client.StateStoreOptions;
import io.statestore.daemon.backup.BackupException;
import io.statestore.daemon.backup.BackupNames;
import io.statestore.daemon.backup.BackupResult;
import io.statestore.daemon.backup.BackupService;
import io.statestore.daemon.backup.ClusterBackup;
import io.statestore.daemon.backup.ClusterRestoreSteps;
import io.statestore.daemon.backup.EmbeddedRestore;
import io.statestore.daemon.backup.RdbVerifier;
import io.statestore.daemon.config.DaemonConfig;
import io.statestore.daemon.life.DataDirLock;
import io.statestore.daemon.redis.DaemonKeys;
import io.statestore.daemon.redis.RedisAdmin;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** {@code statestore backup now|list|verify FILE|restore FILE}. */
@Command(
        name = "backup",
        mixinStandardHelpOptions = true,
        description = {
            "Make, list, verify or restore RDB backups.",
            "now: make a backup in the backup directory and verify it; prints its file, size and verifier.",
            "list: the backups in the backup directory, newest first, with their size in bytes.",
            "verify FILE: check that FILE is a complete RDB file (a cluster set: every file against its manifest).",
            "restore FILE: verify FILE, then make it the embedded server's data (stop the daemon first);"
                    + " for an external server, print the steps to do by hand; for a cluster set, match its"
                    + " files to the cluster's primaries and print the steps with each node's own paths."
        })
public final class BackupCommand extends DaemonConfigCommand implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "ACTION", description = "now, list, verify or restore.")
    String action;

    @Parameters(
            index = "1",
            arity = "0..1",
            paramLabel = "FILE",
            description = "With verify and restore: the backup file, e.g. one that backup list prints.")
    Path file;

    /** As a subcommand of {@link Main}: prints to the streams {@code Main.run} was given. */
    public BackupCommand() {
        this(System.getenv(), System.out, System.err, true);
    }

    public BackupCommand(Map<String, String> env, PrintStream out, PrintStream err) {
        this(env, out, err, false);
    }

    private BackupCommand(Map<String, String> env, PrintStream out, PrintStream err, boolean streamsFromMain) {
        super(env, out, err, streamsFromMain);
    }

    @Override
    public Integer call() throws InterruptedException {
        DaemonConfig cfg = loadConfig();
        if (cfg == null) {
            return 1;
        }
        try {
            switch (action) {
                case "now":
                    return now(cfg);
                case "list":
                    for (Path p : BackupNames.list(cfg.backupPath())) {
                        out.println(p + "\t" + Files.size(p));
                    }
                    for (Path set : ClusterBackup.list(cfg.backupPath())) { // a cluster's: one directory per backup
                        out.println(set + "\t" + ClusterBackup.size(set) + "\tcluster set");
                    }
                    return 0;
                case "verify":
                    if (file == null) {
                        err.println("statestore: backup verify needs a FILE");
                        return 2;
                    }
                    if (Files.isDirectory(file)) { // a cluster backup set: the manifest's checksums, then each RDB
                        RdbVerifier verifier = new RdbVerifier(cfg.backup().checkRdbBinary());
                        for (ClusterBackup.Entry e : ClusterBackup.read(file)) {
                            out.println(file.resolve(e.file()) + ": ok (slots " + e.slots() + ", "
                                    + verifier.verify(file.resolve(e.file())) + ")");
                        }
                        return 0;
                    }
                    out.println(file + ": ok (" + new RdbVerifier(cfg.backup().checkRdbBinary()).verify(file) + ")");
                    return 0;
                case "restore":
                    return restore(cfg);
                default:
                    err.println("statestore: unknown backup action \"" + action + "\" (now, list, verify, restore)");
                    return 2;
            }
        } catch (BackupException | IOException | RuntimeException e) {
            err.println("statestore: backup " + action + " failed: " + e.getMessage());
            return ErrorHandler.exitCode(e);
        }
    }

    private int now(DaemonConfig cfg) throws BackupException, InterruptedException {
        StateStoreOptions options = redisOptions(cfg, Role.ADMIN).build();
        long t0 = System.nanoTime();
        try (RedisAdmin redis = new RedisAdmin(options)) {
            try {
                BackupResult r = new BackupService(redis, cfg.backup(), cfg.backupPath()).backupNow();
                out.println(r.file() + "\t" + r.size() + " bytes\tverified by " + r.verifiedBy());
                record(cfg, redis, true, t0, r.figures());
                return 0;
            } catch (BackupException | RuntimeException e) {
                record(cfg, redis, false, t0, java.util.Map.of("error", String.valueOf(e.getMessage())));
                throw e;
            }
        } catch (BackupException | RuntimeException e) {
            for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
                if (t instanceof io.statestore.client.PermissionDeniedException denied) { // it names the server
                    err.println("statestore: backup now failed: " + denied.getMessage());
                    return ErrorHandler.PERMISSION_DENIED;
                }
            }
            // name the server: "Connection refused" alone does not say which one was tried
            String why = String.valueOf(e.getMessage()).replaceFirst("^backup failed: ", "");
            err.println("statestore: backup now failed (Redis at " + target(options) + "): " + why);
            return 1;
        }
    }

    /**
     * A backup made from the CLI is recorded in ss:status like the daemon's job ({@code backup_*},
     * {@code backup_daemon} naming the CLI), so {@code status} shows the newest backup whoever made it.
     * Best effort: a status that cannot be written does not fail a backup that succeeded.
     */
    private static void record(
            DaemonConfig cfg, RedisAdmin redis, boolean ok, long t0, java.util.Map<String, ?> figures) {
        try {
            String who = "cli:" + java.net.InetAddress.getLocalHost().getHostName() + ":"
                    + ProcessHandle.current().pid();
            new io.statestore.daemon.status.StatusStore(
                            redis,
                            DaemonKeys.prefix(cfg.redis().keyPrefix(), redis.cluster()),
                            who,
                            cfg.daemon().heartbeatInterval())
                    .recordJob("backup", ok, java.time.Duration.ofNanos(System.nanoTime() - t0), figures);
        } catch (java.io.IOException | RuntimeException notRecorded) {
            // the backup's own outcome is what the caller sees
        }
    }

    /**
     * A cluster backup set: verified, matched to the live cluster's primaries, then the steps
     * printed with each node's own paths (the nodes are on other hosts: ClusterRestoreSteps).
     */
    private int restoreSet(DaemonConfig cfg) throws BackupException, InterruptedException, IOException {
        // the URL (--redis, else redis.url) alone says it: refused before the set's checksums are
        // read, which takes minutes for a big set
        StateStoreOptions server = redisOptions(cfg, Role.ADMIN).build();
        if (!namesACluster(server)) {
            err.println("statestore: backup restore: " + file + " is a cluster backup set, and the server ("
                    + target(server)
                    + ") is not a cluster; restore it into a cluster of the same shape"
                    + " (docs/cluster.md, \"Backups of a cluster\")");
            return 2;
        }
        List<ClusterBackup.Entry> entries = ClusterBackup.read(file); // sizes and SHA-256 against the manifest
        RdbVerifier verifier = new RdbVerifier(cfg.backup().checkRdbBinary());
        for (ClusterBackup.Entry e : entries) {
            verifier.verify(file.resolve(e.file()));
        }
        try (RedisAdmin admin = new RedisAdmin(server)) {
            for (String line : ClusterRestoreSteps.of(admin, file, entries)) {
                out.println(line);
            }
        }
        return 0;
    }

    /** Whether the server in effect (--redis or STATESTORE_REDIS_URL, else redis.url) is a cluster's URL. */
    private static boolean namesACluster(StateStoreOptions server) {
        return server.uri().getScheme().endsWith("-cluster");
    }

    private int restore(DaemonConfig cfg) throws BackupException, InterruptedException, IOException {
        if (file == null) {
            err.println("statestore: backup restore needs a FILE");
            return 2;
        }
        if (Files.isDirectory(file)) {
            return restoreSet(cfg);
        }
        // the server as --redis or STATESTORE_REDIS_URL name it, else redis.url: a cluster named
        // there must not fall through to restoring the embedded server's data
        if (namesACluster(redisOptions(cfg, Role.ADMIN).build())) {
            err.println("statestore: backup restore: " + file + " is one server's backup; a cluster is restored from"
                    + " a set (a directory that backup list shows as \"cluster set\")");
            return 2;
        }
        new RdbVerifier(cfg.backup().checkRdbBinary()).verify(file);
        if (!cfg.redis().embedded()) {
            out.println("""
                    The server is external; restore it by hand:
                      1. stop every writer and the statestore daemon
                      2. on the Redis host: redis-cli SHUTDOWN NOSAVE (or stop its service)
                      3. copy %s to the server's dir as its dbfilename (redis-cli CONFIG GET dir / dbfilename)
                      4. if appendonly is yes, move the appendonlydir aside (Redis would load the AOF instead)
                      5. start Redis, check DBSIZE, then start the daemon (with AOF on, Redis rewrites it from the RDB)
                    """.formatted(file));
            return 0;
        }
        try (java.net.Socket probe =
                new java.net.Socket(cfg.embedded().bind(), cfg.embedded().port())) {
            err.println("statestore: the embedded server is running ("
                    + cfg.embedded().bind() + ":" + cfg.embedded().port()
                    + "); stop the daemon (systemctl stop statestore) and retry");
            return 1;
        } catch (IOException notRunning) {
            // good: nothing listens, the data directory is ours
        }
        EmbeddedRestore.Result r;
        // the daemon's lock: no daemon on any port may run on this data directory while it is replaced
        try (DataDirLock lock = DataDirLock.acquire(cfg.dataPath())) {
            r = new EmbeddedRestore(cfg).restore(file);
        }
        out.println(
                "restored " + file + ": " + r.keys() + " keys; previous data kept as *.before-restore-" + r.stamp());
        return 0;
    }
}
