package io.statestore.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.statestore.client.Role;
import io.statestore.client.StateStore;
import io.statestore.client.StateStoreOptions;
import io.statestore.client.UnavailableException;
import io.statestore.client.spi.SlotTags;
import io.statestore.daemon.Daemon;
import io.statestore.daemon.acl.Secrets;
import io.statestore.daemon.config.ConfigLoader;
import io.statestore.daemon.config.DaemonConfig;
import io.statestore.testing.AclChecks;
import io.statestore.testing.RedisClusterExtension;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import redis.clients.jedis.Jedis;

/**
 * The failure roles on a cluster exist for, end to end: a replica crashes and comes back without
 * its ACL users (the nodes keep no ACL file), then its primary dies and it takes over. The
 * writers, already connected, go on writing to those slots: the daemon's heartbeat gave the
 * replica the users back before the failover (docs/security.md, "Roles on replicas and on a
 * cluster"). Before, the promoted replica answered every writer WRONGPASS.
 */
class ClusterAclFailoverTest {
    @RegisterExtension
    static RedisClusterExtension cluster = RedisClusterExtension.threePrimaries();

    @TempDir
    Path dir;

    @Test
    void aReplicaRestartedWithoutItsUsersIsHealedAndServesTheWritersOncePromoted() throws Exception {
        DaemonConfig cfg = config();
        Secrets secrets = new Secrets(cfg.secretsPath());
        try (Daemon daemon = new Daemon(cfg)) {
            daemon.start();
            List<RedisClusterExtension.ClusterNode> nodes = cluster.clusterNodes();
            RedisClusterExtension.ClusterNode primary = nodes.stream()
                    .filter(n -> n.primary() && !n.failed() && n.slotCount() > 0)
                    .findFirst()
                    .orElseThrow();
            int replica = nodes.stream()
                    .filter(n -> primary.id().equals(n.masterId()) && !n.failed())
                    .findFirst()
                    .orElseThrow()
                    .port();
            List<String> keys = new ArrayList<>();
            for (int i = 0; keys.size() < 20; i++) {
                if (primary.serves(SlotTags.slot("failover:" + i))) {
                    keys.add("failover:" + i);
                }
            }
            try (StateStore writer = StateStore.connect(StateStoreOptions.builder()
                    .uri(cluster.uri())
                    .user(Role.WRITER.userName())
                    .passwordFile(cfg.secretsPath().resolve(Role.WRITER.userName() + ".password"))
                    .timeout(Duration.ofSeconds(2))
                    .build())) {
                for (String k : keys) {
                    writer.put(k, Map.of("n", 1));
                }

                cluster.kill9(replica);
                cluster.startAll(); // back on its port with its nodes.conf, and no ACL users
                try (Jedis r = cluster.node(replica)) {
                    await(
                            "the heartbeat gave the restarted replica its users back",
                            () -> AclChecks.hasCurrentPassword(r, Role.WRITER, secrets)
                                    && AclChecks.hasCurrentPassword(r, Role.READER, secrets));
                    await(
                            "the replica in sync again",
                            () -> r.info("replication").contains("master_link_status:up"));
                }

                cluster.kill9(primary.port());
                await("the replica took over", () -> cluster.primaryPorts().contains(replica));
                for (String k : keys) {
                    retryWhileUnavailable(() -> writer.merge(k, Map.of("n", 2)));
                }
                for (String k : keys) {
                    assertEquals(2, writer.get(k).orElseThrow().value().get("n").asInt(), k);
                }
                try (Jedis promoted = cluster.node(replica)) {
                    assertTrue(promoted.dbSize() >= keys.size(), "the writes landed on the promoted replica");
                }
            }
        }
    }

    /** Calls {@code write} until the cluster has moved the slots (the failover is not instant). */
    private static void retryWhileUnavailable(Runnable write) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (true) {
            try {
                write.run();
                return;
            } catch (UnavailableException e) {
                if (System.nanoTime() > deadline) {
                    throw e;
                }
                Thread.sleep(100);
            }
        }
    }

    private DaemonConfig config() throws Exception {
        Path data = Files.createDirectories(dir.resolve("data"));
        Path f = dir.resolve("statestore.yaml");
        Files.writeString(f, """
                redis:
                  url: %s
                dataDir: %s
                daemon:
                  id: acl-failover
                  heartbeatInterval: 200ms
                backup:
                  enabled: false
                http:
                  enabled: false
                """.formatted(cluster.uri(), data));
        return new ConfigLoader().load(f, Map.of("HOME", dir.toString()));
    }

    private static void await(String what, BooleanSupplier done) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (!done.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out waiting until " + what);
            }
            Thread.sleep(50);
        }
    }
}
