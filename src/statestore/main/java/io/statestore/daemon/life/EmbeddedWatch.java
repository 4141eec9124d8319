package io.statestore.daemon.life;

import io.statestore.daemon.redis.EmbeddedRedis;
import io.statestore.daemon.status.Metrics;
import io.statestore.daemon.status.StatusStore;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The daemon's side of the embedded server's supervision: restart count and last exit into
 * {@code ss:status} and /metrics, and, once the restart budget is spent, the daemon stopped with
 * a non-zero exit code (which {@code statestore daemon} returns, so systemd's Restart= acts).
 */
public final class EmbeddedWatch implements EmbeddedRedis.Events {
    private static final Logger LOG = LoggerFactory.getLogger(EmbeddedWatch.class);
    /** The daemon's exit code when the embedded server would not stay up. */
    public static final int GAVE_UP = 1;

    private final EmbeddedRedis embedded;
    private final Supplier<StatusStore> status;
    private final Runnable stopDaemon;
    private volatile int exitCode;

    public EmbeddedWatch(EmbeddedRedis embedded, Supplier<StatusStore> status, Runnable stopDaemon) {
        this.embedded = embedded;
        this.status = status;
        this.stopDaemon = stopDaemon;
        embedded.events(this);
    }

    /** 0 unless the daemon stopped because the embedded server would not stay up. */
    public int exitCode() {
        return exitCode;
    }

    /** {@code embedded_restarts} and {@code embedded_last_exit} ("" while the server never died). */
    public Map<String, String> statusFields() {
        Map<String, String> f = new LinkedHashMap<>();
        f.put("embedded_restarts", Integer.toString(embedded.restarts()));
        f.put("embedded_last_exit", embedded.lastExit());
        return f;
    }

    /** {@code statestore_embedded_last_exit{reason="..."} 1} beside the existing restart counter. */
    public void register(Metrics metrics) {
        metrics.gaugeFamily(
                "statestore_embedded_last_exit",
                "How the embedded redis-server last ended, as the reason label" + " (no series while it never did)",
                () -> embedded.lastExit().isEmpty()
                        ? Map.of()
                        : Map.of(Metrics.labels("reason", embedded.lastExit()), 1.0));
    }

    @Override
    public void restarted(int restarts, String lastExit) {
        publish();
    }

    @Override
    public void gaveUp(String reason) {
        exitCode = GAVE_UP;
        publish(); // the server is down: this normally fails, the log line has said it
        Thread t = new Thread(stopDaemon, "stop-after-restarts");
        t.start();
    }

    private void publish() {
        StatusStore s = status.get();
        if (s == null) {
            return;
        }
        try {
            s.put(statusFields());
        } catch (RuntimeException e) {
            LOG.debug("embedded status not written: {}", e.getMessage());
        }
    }
}
