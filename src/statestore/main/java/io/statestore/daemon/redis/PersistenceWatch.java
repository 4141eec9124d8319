package io.statestore.daemon.redis;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.exceptions.JedisDataException;

/**
 * Watches the embedded server's persistence (INFO persistence and the free space of its directory)
 * every {@code every}. While the AOF cannot be written it takes a snapshot and, when that
 * succeeds, marks the AOF stale ({@link StaleAofRecovery}), so a stop or a crash does not bring
 * back an AOF without the writes Redis acknowledged. When a save or an AOF rewrite failed it
 * retries (at most once per {@code retry}; sooner once the space it needs is free), which ends
 * Redis's MISCONF refusal without an operator. Logs one line when a fault starts and one when it ends.
 */
public final class PersistenceWatch implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(PersistenceWatch.class);
    public static final Duration DEFAULT_EVERY = Duration.ofSeconds(1);
    public static final Duration DEFAULT_RETRY = Duration.ofSeconds(5);
    /** Without a sign that space returned, a failed save is still retried this often. */
    private static final int BLIND_RETRY_FACTOR = 6;

    private final RedisAdmin redis;
    private final Path dir;
    private final Consumer<String> publish;
    private final Duration every;
    private final Duration retry;
    private volatile PersistenceState state = PersistenceState.unknown();
    private static final int TIMEOUT_MS = 5000;
    private ScheduledExecutorService timer;
    private Jedis conn;
    private String published;
    private long failingSince;
    private boolean saving;
    private boolean savingForAof;
    private long lastAttempt;

    public PersistenceWatch(RedisAdmin redis, Path dir, Consumer<String> publish) {
        this(redis, dir, publish, DEFAULT_EVERY, DEFAULT_RETRY);
    }

    public PersistenceWatch(RedisAdmin redis, Path dir, Consumer<String> publish, Duration every, Duration retry) {
        this.redis = redis;
        this.dir = dir;
        this.publish = publish;
        this.every = every;
        this.retry = retry;
    }

    /** The state at the last check: for status and health. */
    public PersistenceState state() {
        return state;
    }

    public void start() {
        timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "persistence-watch");
            t.setDaemon(true);
            return t;
        });
        timer.scheduleWithFixedDelay(this::tick, 0, every.toMillis(), TimeUnit.MILLISECONDS);
    }

    private void tick() {
        try {
            check();
        } catch (RuntimeException e) {
            LOG.debug("persistence check skipped: {}", e.getMessage()); // server restarting; the supervisor logs that
        }
    }

    synchronized void check() {
        Map<String, String> info = parse(with(j -> j.info("persistence")));
        long free = free();
        boolean aofErr = "err".equals(info.get("aof_last_write_status"));
        boolean rdbErr = "err".equals(info.get("rdb_last_bgsave_status"));
        boolean rewriteErr = "err".equals(info.get("aof_last_bgrewrite_status"));
        boolean bgsaveRunning = "1".equals(info.get("rdb_bgsave_in_progress"));
        boolean rewriteRunning = "1".equals(info.get("aof_rewrite_in_progress"));
        long aofNeed = number(info, "aof_buffer_length");
        long rdbNeed = size(dir.resolve("dump.rdb")) + aofNeed;

        if (saving && !bgsaveRunning) { // the snapshot we asked for has ended
            saving = false;
            if (savingForAof && aofErr && !rdbErr) {
                markStale();
            }
        }
        if (!aofErr && "1".equals(info.get("aof_enabled")) && StaleAofRecovery.marked(dir)) {
            // Redis wrote its buffer to the AOF: it has everything again. (Not while the server
            // rebuilding the AOF from dump.rdb runs with AOF off: the mark must outlive a failed rebuild.)
            clearStale();
        }
        long now = System.nanoTime();
        boolean due = lastAttempt == 0 || now - lastAttempt >= retry.toNanos();
        boolean dueBlind = lastAttempt == 0 || now - lastAttempt >= retry.toNanos() * BLIND_RETRY_FACTOR;
        if (!saving && !bgsaveRunning && !rewriteRunning) {
            if (aofErr && !StaleAofRecovery.marked(dir) && due) {
                bgsave(true, now); // a snapshot may fit where the AOF does not (RDB is compressed)
            } else if (rdbErr && (due && free >= rdbNeed || dueBlind)) {
                bgsave(false, now);
            } else if (rewriteErr && !aofErr && (due && free >= rdbNeed || dueBlind)) {
                lastAttempt = now;
                try {
                    with(j -> j.bgrewriteaof());
                    LOG.info("retrying the failed AOF rewrite (BGREWRITEAOF)");
                } catch (JedisDataException e) {
                    LOG.debug("BGREWRITEAOF refused: {}", e.getMessage());
                }
            }
        }

        String reason = aofErr
                ? describe(
                        free,
                        aofNeed,
                        "Redis cannot write its AOF (appendonly)",
                        "writes are refused until space returns")
                : rdbErr
                        ? describe(
                                free,
                                rdbNeed,
                                "Redis could not save its RDB snapshot (dump.rdb)",
                                "writes are refused (MISCONF) until a save succeeds; the daemon retries")
                        : rewriteErr
                                ? describe(
                                        free,
                                        rdbNeed,
                                        "Redis could not rewrite its AOF",
                                        "writes go on; the daemon retries")
                                : "";
        transition(new PersistenceState(reason.isEmpty(), reason, free, aofErr && StaleAofRecovery.marked(dir)));
    }

    private String describe(long free, long need, String what, String effect) {
        if (free < need) {
            return "disk full: " + dir + " has " + free + " bytes free, about " + need + " needed; " + what + " — "
                    + effect;
        }
        return what + " in " + dir + " (" + free + " bytes free; see " + dir.resolve("redis.log") + ") — " + effect;
    }

    private void transition(PersistenceState next) {
        PersistenceState prev = state;
        state = next;
        if (!next.ok() && (prev.ok() || !prev.reason().equals(next.reason()) && !sameFault(prev, next))) {
            if (prev.ok()) {
                failingSince = System.nanoTime();
            }
            LOG.error("persistence failing: {}", next.reason());
        } else if (next.ok() && !prev.ok()) {
            LOG.info(
                    "persistence ok again after {} s: the AOF and the RDB are written, Redis accepts writes",
                    (System.nanoTime() - failingSince) / 1_000_000_000L);
        }
        String summary = next.summary();
        if (!summary.equals(published)) {
            try {
                publish.accept(summary);
                published = summary;
            } catch (RuntimeException e) {
                // refused while Redis refuses writes (MISCONF): tried again at the next check
            }
        }
    }

    /** Only the free-space figures changed: not a new fault worth a log line. */
    private static boolean sameFault(PersistenceState a, PersistenceState b) {
        return a.reason().replaceAll("\\d+", "#").equals(b.reason().replaceAll("\\d+", "#"));
    }

    private void bgsave(boolean forAof, long now) {
        lastAttempt = now;
        try {
            with(j -> j.bgsave());
            saving = true;
            savingForAof = forAof;
            LOG.info(
                    forAof
                            ? "the AOF cannot be written: saving a snapshot (BGSAVE) that holds every acknowledged write"
                            : "retrying the failed RDB save (BGSAVE)");
        } catch (JedisDataException e) {
            LOG.debug("BGSAVE refused: {}", e.getMessage()); // one in progress: tried again later
        }
    }

    private void markStale() {
        try {
            StaleAofRecovery.mark(dir);
            LOG.warn(
                    "AOF still failing; dump.rdb now holds every acknowledged write and the next start of the "
                            + "server loads it instead of the AOF ({} written)",
                    dir.resolve(StaleAofRecovery.MARKER));
        } catch (IOException e) {
            // on a full disk even the small marker may not fit; the next snapshot tries again
            LOG.error("could not record that dump.rdb is newer than the AOF: {}", e.getMessage());
        }
    }

    private void clearStale() {
        try {
            StaleAofRecovery.clear(dir);
        } catch (IOException e) {
            LOG.warn("could not remove {}: {}", dir.resolve(StaleAofRecovery.MARKER), e.getMessage());
        }
    }

    /**
     * Before the server is stopped: while the AOF fails, make sure a snapshot with every
     * acknowledged write exists and is marked (waits up to {@code limit}).
     */
    public void beforeStop(Duration limit) {
        long deadline = System.nanoTime() + limit.toNanos();
        try {
            check();
            while (!state.ok()
                    && state.reason().contains("AOF (appendonly)")
                    && !StaleAofRecovery.marked(dir)
                    && System.nanoTime() < deadline) {
                if (!saving) {
                    lastAttempt = 0; // do not wait for the retry interval at a stop
                }
                Thread.sleep(50);
                check();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException e) {
            LOG.warn("persistence check before stop failed: {}", e.getMessage());
        }
    }

    /**
     * Its own connection, not the admin pool: the pool checks a connection with PING on borrow,
     * and Redis refuses PING too while it refuses writes (MISCONF).
     */
    private <T> T with(Function<Jedis, T> work) {
        try {
            if (conn == null) {
                conn = redis.dedicated(TIMEOUT_MS);
            }
            return work.apply(conn);
        } catch (JedisDataException e) {
            throw e; // an answer: the connection is fine
        } catch (RuntimeException e) {
            closeConnection();
            throw e;
        }
    }

    private void closeConnection() {
        if (conn != null) {
            try {
                conn.close();
            } catch (RuntimeException ignored) {
                // already broken
            }
            conn = null;
        }
    }

    private long free() {
        try {
            return Files.getFileStore(dir).getUsableSpace();
        } catch (IOException e) {
            return -1;
        }
    }

    private static long size(Path p) {
        try {
            return Files.isRegularFile(p) ? Files.size(p) : 0;
        } catch (IOException e) {
            return 0;
        }
    }

    private static long number(Map<String, String> info, String field) {
        try {
            return Long.parseLong(info.getOrDefault(field, "0"));
        } catch (NumberFormatException e) {
            return 0;
        }
    }

    static Map<String, String> parse(String info) {
        Map<String, String> m = new HashMap<>();
        for (String line : info.split("\r?\n")) {
            int c = line.indexOf(':');
            if (c > 0 && !line.startsWith("#")) {
                m.put(line.substring(0, c), line.substring(c + 1).strip());
            }
        }
        return m;
    }

    /** Stops the checks; {@link #beforeStop} may still run once, then {@link #release} the connection. */
    @Override
    public void close() {
        if (timer != null) {
            timer.shutdownNow();
        }
    }

    public synchronized void release() {
        closeConnection();
    }
}
