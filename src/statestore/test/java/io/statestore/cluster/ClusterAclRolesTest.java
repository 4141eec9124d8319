package io.statestore.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.statestore.cli.AclCommand;
import io.statestore.client.PermissionDeniedException;
import io.statestore.client.Role;
import io.statestore.client.StateStore;
import io.statestore.client.StateStoreOptions;
import io.statestore.daemon.Daemon;
import io.statestore.daemon.acl.AclSync;
import io.statestore.daemon.acl.Secrets;
import io.statestore.daemon.config.ConfigLoader;
import io.statestore.daemon.config.DaemonConfig;
import io.statestore.daemon.redis.RedisAdmin;
import io.statestore.testing.AclChecks;
import io.statestore.testing.RedisClusterExtension;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;
import picocli.CommandLine;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.args.ClientPauseMode;
import redis.clients.jedis.exceptions.JedisDataException;
import redis.clients.jedis.resps.AccessControlUser;

/**
 * Roles on a Redis Cluster (docs/security.md, "Roles on replicas and on a cluster"): ACL users are kept by each
 * node and never replicated, so the daemon makes the writer and reader users on every node,
 * replicas included, and gives them back to a node that lost them or was away.
 */
class ClusterAclRolesTest {
    @RegisterExtension
    static RedisClusterExtension cluster = RedisClusterExtension.shared();

    private static final List<String> USERS = List.of(Role.WRITER.userName(), Role.READER.userName());

    @TempDir
    Path dir;

    /** The shared cluster outlives this class: its nodes keep only the default user. */
    @AfterEach
    void deleteTheUsers() {
        for (RedisClusterExtension.ClusterNode n : cluster.clusterNodes()) {
            try (Jedis j = cluster.node(n.port())) {
                j.aclDelUser(USERS.get(0), USERS.get(1));
            }
        }
    }

    @Test
    void theDaemonMakesTheRolesOnEveryNodeAndTheyWorkOnEveryPrimary() throws Exception {
        DaemonConfig cfg = config("10s");
        try (Daemon daemon = new Daemon(cfg)) {
            daemon.start();
            Secrets secrets = new Secrets(cfg.secretsPath());
            List<RedisClusterExtension.ClusterNode> nodes = cluster.clusterNodes();
            assertEquals(6, nodes.size(), "3 primaries and 3 replicas");
            assertEquals(
                    "roles admin, writer, reader on 6 of 6 servers (docs/security.md)",
                    cluster.commands().hget("ss:{daemon}:status", "acl"),
                    "what statestore status shows");
            for (RedisClusterExtension.ClusterNode n : nodes) {
                for (Role r : List.of(Role.WRITER, Role.READER)) {
                    try (Jedis j = cluster.node(n.port())) {
                        j.auth(r.userName(), secrets.password(r)); // throws WRONGPASS when it is missing
                        assertEquals("PONG", j.ping(), "port " + n.port());
                    }
                }
            }
            try (StateStore writer = StateStore.connect(as(cfg, Role.WRITER).build());
                    StateStore reader = StateStore.connect(as(cfg, Role.READER).build())) {
                for (int i = 0; i < 30; i++) {
                    writer.put("acl:" + i, Map.of("i", i));
                }
                for (int port : cluster.primaryPorts()) {
                    try (Jedis j = cluster.node(port)) {
                        assertTrue(j.dbSize() > 0, "the writer wrote on primary " + port);
                    }
                }
                for (int i = 0; i < 30; i++) {
                    assertEquals(
                            i,
                            reader.get("acl:" + i)
                                    .orElseThrow()
                                    .value()
                                    .get("i")
                                    .asInt());
                }
                assertThrows(PermissionDeniedException.class, () -> reader.put("acl:0", Map.of("i", -1)));
                assertEquals(
                        0, writer.get("acl:0").orElseThrow().value().get("i").asInt(), "nothing changed");
            }
        }
    }

    /**
     * A node restarted without an ACL file, or one that joined later, has no role users; one
     * whose user lost its password cannot let the writers in. The heartbeat gives them back.
     */
    @Test
    void aNodeThatLostTheUsersGetsThemBackAtTheNextHeartbeat() throws Exception {
        DaemonConfig cfg = config("200ms");
        try (Daemon daemon = new Daemon(cfg)) {
            daemon.start();
            Secrets secrets = new Secrets(cfg.secretsPath());
            int replica = replicaPort();
            int primary = cluster.primaryPorts().get(0);
            java.util.Set<String> writerRules;
            try (Jedis j = cluster.node(primary)) {
                writerRules = rules(j);
            }
            try (Jedis r = cluster.node(replica);
                    Jedis p = cluster.node(primary)) {
                r.aclDelUser(USERS.get(0), USERS.get(1));
                p.aclSetUser(Role.READER.userName(), "resetpass");
                await(
                        "both nodes given their users back",
                        () -> AclChecks.hasCurrentPassword(r, Role.WRITER, secrets)
                                && AclChecks.hasCurrentPassword(r, Role.READER, secrets)
                                && AclChecks.hasCurrentPassword(p, Role.READER, secrets));
                assertEquals(writerRules, rules(r), "the same rules");
            }
        }
    }

    /** A rotation reaches every node: the new password opens each, the old one none once retired. */
    @Test
    void aRotationReachesEveryNode() throws Exception {
        DaemonConfig cfg = config("10s");
        Path file = dir.resolve("statestore.yaml");
        try (Daemon daemon = new Daemon(cfg)) {
            daemon.start();
        }
        Secrets secrets = new Secrets(cfg.secretsPath());
        String old = secrets.password(Role.WRITER);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = new CommandLine(new AclCommand(
                        Map.of("HOME", dir.toString()),
                        new PrintStream(out, true, StandardCharsets.UTF_8),
                        new PrintStream(err, true, StandardCharsets.UTF_8)))
                .execute("--config", file.toString(), "rotate", "writer", "--grace", "0");
        assertEquals(0, code, err.toString(StandardCharsets.UTF_8));
        String fresh = secrets.password(Role.WRITER);
        assertFalse(fresh.equals(old));
        for (RedisClusterExtension.ClusterNode n : cluster.clusterNodes()) {
            try (Jedis j = cluster.node(n.port())) {
                AccessControlUser u = j.aclGetUser(Role.WRITER.userName());
                assertEquals(List.of(Secrets.hash(fresh)), u.getPassword(), "port " + n.port());
                JedisDataException refused =
                        assertThrows(JedisDataException.class, () -> j.auth(Role.WRITER.userName(), old));
                assertTrue(refused.getMessage().startsWith("WRONGPASS"), refused.getMessage());
            }
        }
    }

    /**
     * A node that does not answer while the users are made is passed over, not fatal: the others
     * get them, and it gets them once it answers (here a replica held by CLIENT PAUSE, which keeps
     * it in the cluster: a paused replica is not failed over).
     */
    @Test
    void aNodeAwayWhileTheUsersAreMadeGetsThemWhenItAnswers() throws Exception {
        DaemonConfig cfg = config("10s");
        Secrets secrets = new Secrets(cfg.secretsPath());
        secrets.password(Role.WRITER); // made now, as the daemon would
        int replica = replicaPort();
        List<AclSync.Managed> roles =
                List.of(new AclSync.Managed(Role.WRITER, List.of("*")), new AclSync.Managed(Role.READER, List.of("*")));
        Logger logger = (Logger) LoggerFactory.getLogger(AclSync.class);
        ListAppender<ILoggingEvent> logged = new ListAppender<>();
        logged.start();
        logger.addAppender(logged);
        try (RedisAdmin admin = new RedisAdmin(StateStoreOptions.builder()
                        .uri(cluster.uri())
                        .timeout(Duration.ofMillis(500))
                        .build());
                Jedis pauser = cluster.node(replica)) {
            // a 500 ms timeout against a 5 s pause: the replica is away for the apply and one heal
            AclSync sync = new AclSync(admin, "ss:", true);
            pauser.clientPause(5000, ClientPauseMode.ALL);
            sync.apply(roles, secrets);
            assertEquals(
                    new AclSync.Coverage(6, List.of("replica 127.0.0.1:" + replica)),
                    sync.coverage(),
                    "the paused replica counted as not reached");
            assertEquals(List.of(), sync.heal(roles, secrets), "the replica still away: nothing given");
            for (RedisClusterExtension.ClusterNode n : cluster.clusterNodes()) {
                if (n.port() != replica) {
                    try (Jedis j = cluster.node(n.port())) {
                        assertNotNull(j.aclGetUser(Role.WRITER.userName()), "port " + n.port());
                    }
                }
            }
            // (CLIENT UNPAUSE would wait in the pause too: wait it out)
            try (Jedis r = new Jedis("127.0.0.1", replica, 10_000)) {
                assertEquals("PONG", r.ping());
                assertEquals(null, r.aclGetUser(Role.WRITER.userName()), "the paused replica was passed over");
            }
            assertEquals(List.of("replica 127.0.0.1:" + replica), sync.heal(roles, secrets));
            try (Jedis r = cluster.node(replica)) {
                assertTrue(AclChecks.hasCurrentPassword(r, Role.WRITER, secrets)
                        && AclChecks.hasCurrentPassword(r, Role.READER, secrets));
            }
            assertEquals(List.of(), sync.heal(roles, secrets), "nothing more to give");
            assertEquals(new AclSync.Coverage(6, List.of()), sync.coverage(), "every server reached");
        } finally {
            logger.detachAppender(logged);
        }
        String name = "replica 127.0.0.1:" + replica;
        List<String> lines = logged.list.stream()
                .filter(e -> e.getLevel().isGreaterOrEqual(Level.INFO))
                .map(ILoggingEvent::getFormattedMessage)
                .filter(m -> m.startsWith(name))
                .toList();
        assertEquals(3, lines.size(), "one warning while away, the heal, one line when back: " + lines);
        assertTrue(lines.get(0).startsWith(name + " did not answer"), lines.get(0));
        assertTrue(lines.get(1).contains("was not as the configuration says"), lines.get(1));
        assertTrue(lines.get(2).endsWith("answers again"), lines.get(2));
    }

    /** The writer's commands and keys, in no order (a node lists its rules in its own order). */
    private static java.util.Set<String> rules(Jedis node) {
        AccessControlUser u = node.aclGetUser(Role.WRITER.userName());
        java.util.Set<String> out =
                new java.util.TreeSet<>(List.of(u.getCommands().split(" ")));
        out.addAll(List.of(u.getKeys().split(" ")));
        return out;
    }

    private int replicaPort() {
        return cluster.clusterNodes().stream()
                .filter(n -> !n.primary() && !n.failed())
                .findFirst()
                .orElseThrow()
                .port();
    }

    private StateStoreOptions.Builder as(DaemonConfig cfg, Role role) {
        return StateStoreOptions.builder()
                .uri(cluster.uri())
                .user(role.userName())
                .passwordFile(cfg.secretsPath().resolve(role.userName() + ".password"));
    }

    /** A daemon's config for this cluster with roles on (the default); the admin is the default user. */
    private DaemonConfig config(String heartbeat) throws Exception {
        Path data = Files.createDirectories(dir.resolve("data"));
        String yaml = """
                redis:
                  url: %s
                dataDir: %s
                daemon:
                  id: acl-daemon
                  heartbeatInterval: %s
                backup:
                  enabled: false
                http:
                  enabled: false
                """.formatted(cluster.uri(), data, heartbeat);
        Path f = dir.resolve("statestore.yaml");
        Files.writeString(f, yaml);
        return new ConfigLoader().load(f, Map.of("HOME", dir.toString()));
    }

    private static void await(String what, BooleanSupplier done) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (!done.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out waiting until " + what);
            }
            Thread.sleep(50);
        }
    }
}
