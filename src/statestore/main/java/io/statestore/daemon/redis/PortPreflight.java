package io.statestore.daemon.redis;

import io.statestore.client.TlsOptions;
import io.statestore.daemon.config.DaemonConfig;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.Protocol;
import redis.clients.jedis.exceptions.JedisConnectionException;

/**
 * Runs before every launch of the embedded server: stops this data directory's orphaned
 * redis-server (its data saved), then refuses a port that something else listens on. A server
 * that is not ours is never authenticated to, written to or stopped: the check only opens and
 * closes a TCP connection.
 */
final class PortPreflight {
    private static final Logger LOG = LoggerFactory.getLogger(PortPreflight.class);
    private final DaemonConfig.Embedded cfg;
    private final Path dir;
    private final EmbeddedRedis.Access access;
    private final TlsOptions tls;

    PortPreflight(DaemonConfig.Embedded cfg, Path dir, EmbeddedRedis.Access access, TlsOptions tls) {
        this.cfg = cfg;
        this.dir = dir;
        this.access = access;
        this.tls = tls;
    }

    void clear() throws IOException, InterruptedException {
        Optional<ProcessHandle> orphan = OrphanServer.find(dir);
        if (orphan.isPresent()) {
            stopOrphan(orphan.get());
        }
        if (listening()) {
            throw new PortTakenException(cfg.port());
        }
    }

    private void stopOrphan(ProcessHandle h) throws IOException, InterruptedException {
        LOG.warn(
                "redis-server pid {} of this data directory is still running (the daemon that started it is gone);"
                        + " stopping it with SHUTDOWN SAVE before starting ours",
                h.pid());
        if (!(listening() && shutdownSave(h.pid()))) {
            h.destroy(); // SIGTERM: redis-server saves (AOF fsync, RDB with save rules) and exits
        }
        try {
            h.onExit().get(cfg.stopTimeout().toMillis(), TimeUnit.MILLISECONDS);
            LOG.info("orphaned redis-server pid {} stopped", h.pid());
        } catch (TimeoutException e) {
            throw new IOException(
                    "the orphaned redis-server pid " + h.pid() + " of this data directory did not stop within "
                            + cfg.stopTimeout() + "; stop it (it may still be saving) and start the daemon again");
        } catch (ExecutionException e) {
            throw new IOException("waiting for the orphaned redis-server pid " + h.pid() + ": " + e.getMessage(), e);
        }
    }

    /** SHUTDOWN SAVE as the daemon's admin, only when the server on the port is that process. */
    private boolean shutdownSave(long pid) {
        try (Jedis j = RedisAdmin.loopback(
                host(),
                cfg.port(),
                (int) cfg.stopTimeout().toMillis(),
                access.user(),
                access.password().get(),
                tls)) {
            if (processId(j.info("server")) != pid) {
                return false;
            }
            try {
                j.sendCommand(Protocol.Command.SHUTDOWN, "SAVE");
            } catch (JedisConnectionException expected) {
                // the connection closes as the server exits
            }
            return true;
        } catch (RuntimeException e) {
            LOG.warn(
                    "cannot ask the orphaned redis-server pid {} to SHUTDOWN SAVE ({}); sending it SIGTERM",
                    pid,
                    e.getMessage());
            return false;
        }
    }

    static long processId(String info) {
        return info.lines()
                .filter(l -> l.startsWith("process_id:"))
                .mapToLong(l -> Long.parseLong(l.substring(11).strip()))
                .findFirst()
                .orElse(-1);
    }

    boolean listening() {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress(host(), cfg.port()), 500);
            return true;
        } catch (IOException nothingThere) {
            return false;
        }
    }

    private String host() {
        String first = cfg.bind().strip().split("\\s+")[0];
        return switch (first) {
            case "0.0.0.0", "*" -> "127.0.0.1";
            case "::", "::*", "-::*" -> "::1";
            default -> first.startsWith("-") ? first.substring(1) : first;
        };
    }
}
