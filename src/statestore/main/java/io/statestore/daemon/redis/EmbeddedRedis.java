package io.statestore.daemon.redis;

import io.statestore.client.Durations;
import io.statestore.daemon.config.DaemonConfig;
import io.statestore.daemon.files.PrivateFiles;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import redis.clients.jedis.Jedis;

/**
 * A supervised {@code redis-server} child: loopback plus a Unix socket, AOF everysec plus RDB
 * snapshots under the data directory, expiry notifications on. Restarted with backoff when it
 * dies, at most {@code embedded.maxRestarts} times within {@code embedded.restartWindow}; stopped
 * with {@code SHUTDOWN SAVE}. Before each launch {@link PortPreflight} stops this data directory's
 * orphaned server and refuses a port held by anything else. It runs in its own session
 * ({@code setsid}), so a Ctrl-C or a SIGTERM to the daemon's process group reaches the daemon,
 * which stops it in order, and not the server directly.
 */
public final class EmbeddedRedis implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(EmbeddedRedis.class);

    private static final Duration STABLE = Duration.ofMinutes(1);
    private static final Duration ORDERLY_GRACE = Duration.ofSeconds(2);
    private final DaemonConfig.Embedded cfg;
    private final Path dir;
    private final AtomicInteger restarts = new AtomicInteger();
    private volatile Process process;
    private volatile boolean stopping;
    private volatile String lastExit = "";
    private volatile Events events = Events.NONE;
    private final RestartBudget budget;
    private Thread supervisor;

    private final Access access;
    private volatile LaunchHook beforeLaunch = () -> {};

    /**
     * How the daemon gets in: extra server arguments (the ACL file) and the user and password its
     * start-up PING and SHUTDOWN use. The password is asked at each use, so a rotated one is taken.
     */
    public record Access(List<String> serverArgs, String user, Supplier<String> password) {
        /** No credential: the default user, open (acl.enabled: false). */
        public static Access open() {
            return new Access(List.of(), null, () -> null);
        }

        /** The default user with a password (requirepass given in embedded.extraArgs). */
        public static Access requirePass(String password) {
            return new Access(List.of(), null, () -> password);
        }
    }

    /** What the daemon hears from the supervisor. Called on the supervisor's thread. */
    public interface Events {
        Events NONE = new Events() {};

        /** The server is up again after {@code restarts} restarts in all; the last one ended as {@code lastExit}. */
        default void restarted(int restarts, String lastExit) {}

        /** The restart budget is spent: the server stays down; {@code reason} is the one line logged. */
        default void gaveUp(String reason) {}
    }

    public EmbeddedRedis(DaemonConfig.Embedded cfg, Path dir) {
        this(cfg, dir, Access.open());
    }

    public EmbeddedRedis(DaemonConfig.Embedded cfg, Path dir, Access access) {
        this.cfg = cfg;
        this.dir = dir;
        this.access = access;
        this.budget = new RestartBudget(cfg.maxRestarts(), cfg.restartWindow());
    }

    public void events(Events events) {
        this.events = events == null ? Events.NONE : events;
    }

    /** How the server last ended, or why the last restart failed ("" while it never did). */
    public String lastExit() {
        return lastExit;
    }

    /**
     * The daemon is stopping: an exit of the server from now on is expected (under systemd's
     * KillMode=control-group it gets SIGTERM with the daemon and saves by itself), not restarted.
     */
    public void expectStop() {
        stopping = true;
    }

    /** Work done before every launch, restarts included (StaleAofRecovery). */
    public interface LaunchHook {
        void run() throws IOException, InterruptedException;
    }

    public void beforeLaunch(LaunchHook hook) {
        this.beforeLaunch = hook;
    }

    public String uri() {
        return (cfg.tls() ? "rediss://" : "redis://") + cfg.bind() + ":" + cfg.port();
    }

    public Path socket() {
        return dir.resolve("redis.sock");
    }

    public Path dataDir() {
        return dir;
    }

    public int restarts() {
        return restarts.get();
    }

    public boolean alive() {
        Process p = process;
        return p != null && p.isAlive();
    }

    public long pid() {
        Process p = process;
        return p == null ? -1 : p.pid();
    }

    /** Starts the child and waits until it answers PING (loading its AOF first). */
    public synchronized void start() throws IOException, InterruptedException {
        PrivateFiles.directory(dir.getParent()); // the daemon's data directory: its state is nobody else's
        PrivateFiles.directory(dir);
        restrictExistingFiles();
        launch();
        supervisor = new Thread(this::supervise, "embedded-redis-supervisor");
        supervisor.setDaemon(true);
        supervisor.start();
    }

    /**
     * redis-server's umask 077 covers the files it creates; the AOF, RDB and logs a daemon from
     * before issue 15 left (umask 022: 0644) are made owner-only here, before it opens them.
     */
    private void restrictExistingFiles() throws IOException {
        Path aof = dir.resolve("appendonlydir");
        if (Files.isDirectory(aof)) {
            PrivateFiles.directory(aof);
        }
        for (Path d : List.of(dir, aof)) {
            if (!Files.isDirectory(d)) {
                continue;
            }
            try (java.util.stream.Stream<Path> files = Files.list(d)) {
                for (Path f : files.filter(Files::isRegularFile).toList()) {
                    PrivateFiles.file(f);
                }
            }
        }
    }

    /** The binary as the shell will find it; an error in our words when it will not. */
    private static void requireExecutable(String binary) throws IOException {
        if (binary.contains("/")) {
            if (Files.isExecutable(Path.of(binary))) {
                return;
            }
        } else {
            for (String d : System.getenv().getOrDefault("PATH", "").split(":")) {
                if (!d.isEmpty() && Files.isExecutable(Path.of(d, binary))) {
                    return;
                }
            }
        }
        throw new IOException("cannot run the embedded redis-server: " + binary
                + " is not an executable file or on PATH (install redis-server, or set embedded.binary)");
    }

    private void launch() throws IOException, InterruptedException {
        requireExecutable(cfg.binary());
        new PortPreflight(cfg, dir, access, loopbackTls()).clear();
        beforeLaunch.run();
        List<String> cmd = new ArrayList<>(List.of(
                cfg.binary(),
                "--bind",
                cfg.bind(),
                "--port",
                Integer.toString(cfg.port()),
                "--protected-mode",
                "yes",
                "--dir",
                dir.toString(),
                "--daemonize",
                "no",
                "--logfile",
                dir.resolve("redis.log").toString(),
                "--appendonly",
                "yes",
                "--appendfsync",
                cfg.appendfsync(),
                "--dbfilename",
                "dump.rdb",
                "--save",
                cfg.save(),
                "--notify-keyspace-events",
                "Ex",
                "--pidfile",
                dir.resolve(OrphanServer.PID_FILE).toString()));
        if (cfg.unixSocket()) {
            cmd.addAll(List.of("--unixsocket", socket().toString(), "--unixsocketperm", "700"));
        }
        cmd.addAll(access.serverArgs());
        if (cfg.tls()) {
            cmd.addAll(EmbeddedTls.serverArgs(dir.getParent(), cfg.bind(), cfg.port()));
        }
        cmd.addAll(cfg.extraArgs());
        // The AOF and RDB files redis-server creates follow its umask: 077, through a shell that
        // sets it and then becomes redis-server (exec: same process, same PID). setsid gives it
        // its own session without forking (the shell is no process-group leader), same PID again.
        cmd.addAll(
                0,
                List.of(
                        "/bin/sh",
                        "-c",
                        "umask 077 && exec " + (SETSID == null ? "" : SETSID + " ") + "\"$0\" \"$@\""));
        Path out = dir.resolve("redis.out");
        if (!Files.exists(out)) {
            Files.createFile(out);
        }
        PrivateFiles.file(out);
        ProcessBuilder pb = new ProcessBuilder(cmd)
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(out.toFile()));
        // redis-server needs none of the daemon's secrets: a password a user exported for
        // redis-cli would otherwise sit in the child's /proc/PID/environ for its whole life
        pb.environment().keySet().removeIf(EmbeddedRedis::secretLooking);
        Process p = pb.start();
        process = p;
        awaitPing(p, cfg.startTimeout());
        LOG.info(
                "embedded redis-server (pid {}) listening on {}:{}{}{}",
                p.pid(),
                cfg.bind(),
                cfg.port(),
                cfg.tls() ? " (TLS only; CA " + EmbeddedTls.caFile(dir.getParent()) + ")" : "",
                cfg.unixSocket() ? " and " + socket() : "");
    }

    private static final String SETSID = java.util.stream.Stream.of("/usr/bin/setsid", "/bin/setsid")
            .filter(f -> Files.isExecutable(Path.of(f)))
            .findFirst()
            .orElse(null);

    static boolean secretLooking(String variable) {
        String v = variable.toUpperCase(java.util.Locale.ROOT);
        return v.equals("REDISCLI_AUTH")
                || v.contains("PASSWORD")
                || v.contains("PASSWD")
                || v.contains("SECRET")
                || v.contains("TOKEN")
                || v.contains("CREDENTIAL");
    }

    private void awaitPing(Process p, Duration limit) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + limit.toNanos();
        while (System.nanoTime() < deadline) {
            if (!p.isAlive()) {
                throw new IOException("embedded redis-server exited at start (code " + p.exitValue() + "): " + tail());
            }
            try (Jedis j = RedisAdmin.loopback(
                    cfg.bind(),
                    cfg.port(),
                    1000,
                    access.user(),
                    access.password().get(),
                    loopbackTls())) {
                if ("PONG".equals(j.ping())) {
                    long answering = PortPreflight.processId(j.info("server"));
                    if (answering == p.pid() || answering < 0) {
                        return;
                    }
                    // another server took the port between the check and our bind: ours will exit
                }
            } catch (RuntimeException notYet) {
                // not accepting connections yet, or still loading the AOF
            }
            Thread.sleep(25);
        }
        p.destroyForcibly();
        throw new IOException(
                "embedded redis-server did not answer PING within " + Durations.format(limit) + ": " + tail());
    }

    private io.statestore.client.TlsOptions loopbackTls() {
        return cfg.tls() ? EmbeddedTls.clientTls(dir.getParent()) : null;
    }

    private String tail() {
        try {
            Path log = dir.resolve("redis.log");
            List<String> lines = Files.exists(log) ? Files.readAllLines(log) : List.of();
            return String.join(" | ", lines.subList(Math.max(0, lines.size() - 3), lines.size()));
        } catch (IOException e) {
            return "(no log)";
        }
    }

    /**
     * Restarts the child when it dies. The backoff doubles (up to maxRestartBackoff) while the
     * server keeps dying within a minute of starting, and falls back once it has run longer. An
     * exit while the daemon stops is expected; past the restart budget it gives up.
     */
    private void supervise() {
        long backoff = cfg.restartBackoff().toMillis();
        long launchedAt = System.nanoTime();
        try {
            while (!stopping) {
                Process p = process;
                int code = p.waitFor();
                if (stopping || (orderly(code) && stopFollows())) {
                    LOG.info(
                            "embedded redis-server (pid {}) exited as the daemon stops ({})",
                            p.pid(),
                            ExitReason.of(code));
                    return;
                }
                lastExit = ExitReason.of(code);
                String what = "(pid " + p.pid() + ") " + lastExit;
                if (System.nanoTime() - launchedAt > STABLE.toNanos()) {
                    backoff = cfg.restartBackoff().toMillis();
                }
                while (true) {
                    if (!budget.tryRestart(System.nanoTime())) {
                        String reason =
                                "embedded redis-server: giving up after " + cfg.maxRestarts() + " restarts within "
                                        + Durations.format(cfg.restartWindow())
                                        + " (embedded.maxRestarts, embedded.restartWindow); last: " + what;
                        LOG.error("{}; the daemon exits 1 so that its service manager can restart it", reason);
                        events.gaveUp(reason);
                        return;
                    }
                    int n = restarts.get() + 1; // counted once tried: a server answering PING, or a failure
                    LOG.warn("embedded redis-server {}; restarting in {} ms (restart {})", what, backoff, n);
                    Thread.sleep(backoff);
                    backoff = Math.min(backoff * 2, cfg.maxRestartBackoff().toMillis());
                    if (stopping) {
                        return;
                    }
                    launchedAt = System.nanoTime();
                    try {
                        launch();
                        restarts.incrementAndGet();
                        events.restarted(n, lastExit);
                        break;
                    } catch (PortTakenException e) {
                        restarts.incrementAndGet();
                        lastExit = "port " + e.port() + " taken by another process";
                        what = "not restarted: " + e.getMessage();
                    } catch (IOException e) {
                        restarts.incrementAndGet();
                        lastExit = "restart failed";
                        what = "not restarted: " + e.getMessage();
                    }
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Exit code 0 (SHUTDOWN, or SIGTERM/SIGINT handled with a save) or death by SIGTERM/SIGINT. */
    private static boolean orderly(int code) {
        return code == 0 || code == 128 + 15 || code == 128 + 2;
    }

    /**
     * After an orderly exit, whether the daemon starts stopping within a moment: when a whole
     * control group gets SIGTERM the server may notice first.
     */
    private boolean stopFollows() throws InterruptedException {
        long deadline = System.nanoTime() + ORDERLY_GRACE.toNanos();
        while (!stopping && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        return stopping;
    }

    /** Stops the child with SHUTDOWN SAVE (bounded); kills it if it does not stop in time. */
    @Override
    public synchronized void close() {
        stopping = true;
        if (supervisor != null) {
            supervisor.interrupt();
        }
        Process p = process;
        if (p == null || !p.isAlive()) {
            // never SHUTDOWN whatever else may listen on the port: only the process we started
            if (p != null) {
                LOG.info(
                        "embedded redis-server (pid {}) had already exited ({}); nothing to stop",
                        p.pid(),
                        ExitReason.of(p.exitValue()));
            }
            return;
        }
        try (Jedis j = RedisAdmin.loopback(
                cfg.bind(),
                cfg.port(),
                (int) cfg.stopTimeout().toMillis(),
                access.user(),
                access.password().get(),
                loopbackTls())) {
            j.sendCommand(redis.clients.jedis.Protocol.Command.SHUTDOWN, "SAVE");
        } catch (RuntimeException expected) {
            // the connection closes as the server exits
        }
        try {
            if (!p.waitFor(cfg.stopTimeout().toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS)) {
                LOG.error(
                        "embedded redis-server did not stop within {}; sending SIGTERM",
                        Durations.format(cfg.stopTimeout()));
                p.destroy();
                p.waitFor(5, java.util.concurrent.TimeUnit.SECONDS);
            } else {
                LOG.info("embedded redis-server stopped (saved)");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            p.destroy();
        }
    }
}
