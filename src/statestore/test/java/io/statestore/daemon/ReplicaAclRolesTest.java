package io.statestore.daemon;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.statestore.client.Role;
import io.statestore.client.StateStore;
import io.statestore.client.StateStoreOptions;
import io.statestore.daemon.acl.Secrets;
import io.statestore.daemon.config.ConfigLoader;
import io.statestore.daemon.config.DaemonConfig;
import io.statestore.testing.AclChecks;
import io.statestore.testing.RedisServerExtension;
import io.statestore.testing.Replication;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import redis.clients.jedis.Jedis;

/**
 * Roles on a primary with a replica (as under Sentinel): ACL users are not replicated, so the
 * daemon makes them on the replicas the primary lists too, and a replica promoted by a failover
 * lets the writers in at once (docs/security.md, "Roles on replicas and on a cluster").
 */
class ReplicaAclRolesTest {
    @RegisterExtension
    @Order(1)
    static RedisServerExtension primary = RedisServerExtension.portable().withArgs("--repl-diskless-sync-delay", "0");

    @RegisterExtension
    @Order(2)
    static RedisServerExtension replica = RedisServerExtension.portable();

    @TempDir
    static Path dir;

    @BeforeAll
    static void replicate() throws InterruptedException {
        try (Jedis r = replica.jedis()) {
            r.replicaof("127.0.0.1", primary.port());
            TestSupport.await(
                    Duration.ofSeconds(20),
                    "the replica in sync",
                    () -> r.info("replication").contains("master_link_status:up"));
        }
    }

    @AfterAll
    static void deleteTheUsers() {
        for (RedisServerExtension s : List.of(primary, replica)) {
            try (Jedis j = s.jedis()) {
                j.aclDelUser(Role.WRITER.userName(), Role.READER.userName());
            }
        }
    }

    @Test
    void theReplicaGetsTheUsersBackAfterLosingThemAndServesTheWriterOncePromoted() throws Exception {
        DaemonConfig cfg = config();
        Secrets secrets = new Secrets(cfg.secretsPath());
        try (Daemon daemon = new Daemon(cfg)) {
            daemon.start();
            try (Jedis r = replica.jedis()) {
                assertTrue(AclChecks.hasCurrentPassword(r, Role.WRITER, secrets), "the replica got the writer");
                assertTrue(AclChecks.hasCurrentPassword(r, Role.READER, secrets), "the replica got the reader");
                r.aclDelUser(Role.WRITER.userName()); // as a replica restarted without an ACL file
                TestSupport.await(
                        Duration.ofSeconds(20),
                        "the heartbeat gave the writer back to the replica",
                        () -> AclChecks.hasCurrentPassword(r, Role.WRITER, secrets));
            }
        }
        try (StateStore writer = StateStore.connect(as(cfg, Role.WRITER, primary.port()))) {
            writer.put("replicated:doc", Map.of("n", 1));
        }
        try (Jedis r = replica.jedis();
                Jedis p = primary.jedis()) {
            Replication.awaitApplied(p, r, Duration.ofSeconds(20));
            r.replicaofNoOne(); // a failover, as Sentinel makes it
            p.replicaof("127.0.0.1", replica.port());
        }
        try (StateStore writer = StateStore.connect(as(cfg, Role.WRITER, replica.port()))) {
            assertEquals(
                    2,
                    writer.merge("replicated:doc", Map.of("n", 2)).revision(),
                    "the writer writes on the promoted replica");
        }
    }

    private static StateStoreOptions as(DaemonConfig cfg, Role role, int port) {
        return StateStoreOptions.builder()
                .uri("redis://127.0.0.1:" + port)
                .user(role.userName())
                .passwordFile(cfg.secretsPath().resolve(role.userName() + ".password"))
                .build();
    }

    private static DaemonConfig config() throws Exception {
        Path data = Files.createDirectories(dir.resolve("data"));
        Path f = dir.resolve("statestore.yaml");
        Files.writeString(f, """
                redis:
                  url: redis://127.0.0.1:%d
                dataDir: %s
                daemon:
                  id: replica-acl
                  heartbeatInterval: 200ms
                backup:
                  enabled: false
                http:
                  enabled: false
                """.formatted(primary.port(), data));
        return new ConfigLoader().load(f, Map.of("HOME", dir.toString()));
    }
}
