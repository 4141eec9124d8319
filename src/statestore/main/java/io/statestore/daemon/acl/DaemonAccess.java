package io.statestore.daemon.acl;

import io.statestore.client.Role;
import io.statestore.client.spi.ConnectionFile;
import io.statestore.client.spi.RedisEndpoint;
import io.statestore.daemon.config.DaemonConfig;
import io.statestore.daemon.files.PrivateFiles;
import io.statestore.daemon.redis.EmbeddedRedis;
import io.statestore.daemon.redis.EmbeddedTls;
import io.statestore.daemon.redis.RedisAdmin;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import redis.clients.jedis.exceptions.JedisDataException;

/**
 * The daemon's side of issue 15: which credential the daemon uses, the roles it keeps on the
 * server, and the connection file that lets local clients in without flags. With
 * {@code acl.enabled: false} it does nothing and everything is as before roles.
 */
public final class DaemonAccess {
    private static final Logger LOG = LoggerFactory.getLogger(DaemonAccess.class);
    private final DaemonConfig config;
    private final Secrets secrets;
    /** Set once the roles are made: the heartbeat keeps them ({@link #maintain}). */
    private volatile AclSync managed;

    public DaemonAccess(DaemonConfig config) {
        this.config = config;
        this.secrets = new Secrets(config.secretsPath());
    }

    public boolean enabled() {
        return config.acl().enabled();
    }

    public Secrets secrets() {
        return secrets;
    }

    /** How the embedded server is started and entered: its ACL file prepared, the admin's password. */
    public EmbeddedRedis.Access embeddedAccess(String legacyPassword) throws IOException {
        if (!enabled()) {
            return legacyPassword == null
                    ? EmbeddedRedis.Access.open()
                    : EmbeddedRedis.Access.requirePass(legacyPassword);
        }
        PrivateFiles.directory(config.redisDataPath());
        AclFile file = new AclFile(config.redisDataPath());
        file.prepare(secrets.password(Role.ADMIN));
        return new EmbeddedRedis.Access(List.of("--aclfile", file.path().toString()), Role.ADMIN.userName(), () -> {
            try {
                return secrets.password(Role.ADMIN);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        });
    }

    /**
     * Creates or updates the writer and reader users, retires passwords past their grace, and
     * writes the connection file. On an external server whose daemon user may not manage ACL
     * users, says what an administrator must do and goes on.
     */
    public void afterConnect(RedisAdmin admin, String serverUrl) throws IOException {
        if (!enabled()) {
            return;
        }
        AclSync sync =
                new AclSync(admin, config.redis().keyPrefix(), config.acl().replicas());
        try {
            sync.apply(managed(), secrets);
            sync.retireDue();
            managed = sync;
        } catch (JedisDataException e) {
            if (config.redis().embedded()) {
                throw e;
            }
            LOG.warn(
                    "cannot create the writer and reader users on {}: {}; an administrator can create them with the"
                            + " lines 'statestore acl print' gives (docs/security.md)",
                    RedisEndpoint.redacted(serverUrl),
                    e.getMessage());
        }
        writeConnectionFile(serverUrl);
    }

    /**
     * The heartbeat's part: gives the role users back to a server that lost them (on a cluster, a
     * node that was away, joined, or restarted without an ACL file) and takes away replaced
     * passwords whose grace has passed.
     */
    public void maintain() {
        AclSync sync = managed;
        if (sync == null) {
            return;
        }
        try {
            sync.heal(managed(), secrets);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        sync.retireDue();
    }

    /**
     * The status hash's {@code acl} line: off, roles the daemon cannot keep, or on how many of
     * the servers it lists the users are, naming those it could not reach last time.
     */
    public String describe() {
        if (!enabled()) {
            return "off";
        }
        AclSync sync = managed;
        if (sync == null) {
            return "roles admin, writer, reader, not kept by this daemon: its user may not manage ACL users"
                    + " (docs/security.md)";
        }
        AclSync.Coverage c = sync.coverage();
        int on = c.servers() - c.missing().size();
        return "roles admin, writer, reader on " + on + " of " + c.servers() + " servers"
                + (c.missing().isEmpty() ? "" : "; not reached: " + String.join(", ", c.missing()))
                + " (docs/security.md)";
    }

    /** Servers the last pass could not reach (they may lack the users), or -1 when roles are not kept here. */
    public int serversNotReached() {
        AclSync sync = managed;
        return sync == null ? -1 : sync.coverage().missing().size();
    }

    private List<AclSync.Managed> managed() {
        return List.of(
                new AclSync.Managed(Role.WRITER, config.acl().writerKeys()),
                new AclSync.Managed(Role.READER, config.acl().readerKeys()));
    }

    private void writeConnectionFile(String serverUrl) throws IOException {
        Map<String, String> files = new LinkedHashMap<>();
        for (Role r : Role.values()) {
            if (r != Role.ADMIN || config.redis().embedded()) {
                files.put(r.userName(), secrets.file(r).toString());
            }
        }
        Path socket = config.redis().embedded() && config.embedded().unixSocket()
                ? config.redisDataPath().resolve("redis.sock")
                : null;
        String ca = config.redis().embedded() && config.embedded().tls()
                ? EmbeddedTls.caFile(config.dataPath()).toString()
                : null;
        ConnectionFile c = new ConnectionFile(
                1,
                withoutCredentials(serverUrl),
                socket == null ? null : socket.toString(),
                ca,
                files,
                Role.WRITER.userName());
        PrivateFiles.write(
                config.dataPath().resolve(ConnectionFile.NAME),
                new String(c.toJson(), java.nio.charset.StandardCharsets.UTF_8) + "\n");
    }

    /** The URL without user or password: the connection file names the user by role. */
    static String withoutCredentials(String url) {
        return url.replaceFirst("://[^@/]*@", "://");
    }
}
