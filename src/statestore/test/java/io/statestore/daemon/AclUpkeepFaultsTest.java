package io.statestore.daemon;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.statestore.client.Role;
import io.statestore.client.StateStoreOptions;
import io.statestore.daemon.acl.AclSync;
import io.statestore.daemon.acl.DaemonAccess;
import io.statestore.daemon.acl.Secrets;
import io.statestore.daemon.config.ConfigLoader;
import io.statestore.daemon.config.DaemonConfig;
import io.statestore.daemon.redis.RedisAdmin;
import io.statestore.testing.RedisServerExtension;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.exceptions.JedisDataException;

/**
 * The heartbeat's upkeep of the role users on replicas (DaemonAccess.maintain) where a replica
 * was not listed by its primary for a while, or refuses: what the configuration says must hold
 * on it once it is back, and a refusing replica must not keep a replaced password working on the
 * primary (docs/security.md, "Roles on replicas and on a cluster").
 */
class AclUpkeepFaultsTest {
    @RegisterExtension
    @Order(1)
    static RedisServerExtension primary = RedisServerExtension.portable().withArgs("--repl-diskless-sync-delay", "0");

    @RegisterExtension
    @Order(2)
    static RedisServerExtension replica = RedisServerExtension.portable();

    @BeforeAll
    static void replicate() throws InterruptedException {
        attach();
    }

    @AfterEach
    void cleanUp() throws InterruptedException {
        attach();
        try (Jedis p = primary.jedis()) {
            p.flushAll(); // the retiring and retired passwords of the test
        }
        for (RedisServerExtension s : List.of(primary, replica)) {
            try (Jedis j = s.jedis()) {
                j.aclDelUser(Role.WRITER.userName(), Role.READER.userName());
            }
        }
    }

    @Test
    void aPasswordRetiredWhileTheReplicaWasDetachedStopsWorkingThereOnceItIsBack(@TempDir Path dir) throws Exception {
        DaemonConfig cfg = config(dir, "[\"*\"]");
        DaemonAccess access = new DaemonAccess(cfg);
        String old;
        try (RedisAdmin admin = admin()) {
            access.afterConnect(admin, primary.uri());
            old = access.secrets().password(Role.WRITER);
            detach(); // a replica restarting, or cut off: its primary does not list it
            new AclSync(admin, cfg.redis().keyPrefix(), true).rotate(Role.WRITER, access.secrets(), Duration.ZERO);
            attach();
            access.maintain();
        }
        String fresh = access.secrets().password(Role.WRITER);
        try (Jedis r = replica.jedis()) {
            List<String> hashes = r.aclGetUser(Role.WRITER.userName()).getPassword();
            assertTrue(hashes.contains(Secrets.hash(fresh)), "the replica has the new password");
            assertFalse(hashes.contains(Secrets.hash(old)), "the replica no longer has the retired one: " + hashes);
        }
        try (Jedis r = new Jedis("127.0.0.1", replica.port())) {
            assertThrows(JedisDataException.class, () -> r.auth(Role.WRITER.userName(), old));
        }
    }

    @Test
    void aReplicaThatRefusesDoesNotKeepTheReplacedPasswordWorkingOnThePrimary(@TempDir Path dir) throws Exception {
        DaemonConfig cfg = config(dir, "[\"*\"]");
        DaemonAccess access = new DaemonAccess(cfg);
        String old;
        try (RedisAdmin admin = admin()) {
            access.afterConnect(admin, primary.uri());
            old = access.secrets().password(Role.WRITER);
            new AclSync(admin, cfg.redis().keyPrefix(), true)
                    .rotate(Role.WRITER, access.secrets(), Duration.ofMillis(1));
            Thread.sleep(20); // the grace passes (not a timing check: any longer wait does the same)
            try (Jedis r = replica.jedis()) {
                // the daemon's user may no longer read users there (an operator's change, a replica set up apart)
                r.aclSetUser("default", "-acl|getuser");
                try {
                    access.maintain();
                } finally {
                    r.aclSetUser("default", "+@all");
                }
            }
        }
        try (Jedis p = primary.jedis()) {
            assertFalse(
                    p.aclGetUser(Role.WRITER.userName()).getPassword().contains(Secrets.hash(old)),
                    "the primary no longer has the replaced password");
            assertEquals(
                    1L,
                    p.hlen(cfg.redis().keyPrefix() + AclSync.RETIRING),
                    "still due: the replica that refused has it");
        }
    }

    @Test
    void rulesNarrowedWhileTheReplicaWasDetachedReachItOnceItIsBack(@TempDir Path dir) throws Exception {
        try (RedisAdmin admin = admin()) {
            new DaemonAccess(config(dir, "[\"*\"]")).afterConnect(admin, primary.uri());
            detach();
            // the daemon restarted with acl.writerKeys narrowed while the replica was away
            DaemonAccess narrowed = new DaemonAccess(config(dir, "[\"orders:*\"]"));
            narrowed.afterConnect(admin, primary.uri());
            attach();
            narrowed.maintain();
        }
        try (Jedis p = primary.jedis();
                Jedis r = replica.jedis()) {
            assertNotEquals("OK", p.aclDryRun(Role.WRITER.userName(), "SET", "other:1", "x"), "narrowed: primary");
            assertEquals("OK", r.aclDryRun(Role.WRITER.userName(), "SET", "orders:1", "x"), "its own documents");
            assertNotEquals(
                    "OK",
                    r.aclDryRun(Role.WRITER.userName(), "SET", "other:1", "x"),
                    "the replica has the narrowed rules too, not the wider ones of before");
        }
    }

    @Test
    void aSecretsFileRestoredWithAPasswordRetiredSinceKeepsWorkingBeatAfterBeat(@TempDir Path dir) throws Exception {
        DaemonConfig cfg = config(dir, "[\"*\"]");
        DaemonAccess access = new DaemonAccess(cfg);
        try (RedisAdmin admin = admin()) {
            access.afterConnect(admin, primary.uri());
            String old = access.secrets().password(Role.WRITER);
            new AclSync(admin, cfg.redis().keyPrefix(), true).rotate(Role.WRITER, access.secrets(), Duration.ZERO);
            access.secrets().store(Role.WRITER, old); // the data directory restored from a backup
            for (int beat = 1; beat <= 3; beat++) {
                access.maintain(); // the first gives the restored password back; none may take it away
                for (RedisServerExtension s : List.of(primary, replica)) {
                    try (Jedis j = new Jedis("127.0.0.1", s.port())) {
                        assertEquals(
                                "OK",
                                j.auth(Role.WRITER.userName(), old),
                                "the restored password after beat " + beat + ", port " + s.port());
                    }
                }
            }
        }
    }

    @Test
    void aSelectorLeftOnTheUserIsClearedSoTheRoleIsNoWiderThanConfigured(@TempDir Path dir) throws Exception {
        try (Jedis p = primary.jedis()) {
            // a writer made by hand before the daemon managed it: its selector allows every key
            p.aclSetUser(Role.WRITER.userName(), "on", "nopass", "(~* +@all)");
            try (RedisAdmin admin = admin()) {
                new DaemonAccess(config(dir, "[\"orders:*\"]")).afterConnect(admin, primary.uri());
            }
            assertEquals("OK", p.aclDryRun(Role.WRITER.userName(), "SET", "orders:1", "x"), "its own documents");
            assertNotEquals(
                    "OK",
                    p.aclDryRun(Role.WRITER.userName(), "SET", "other:1", "x"),
                    "no key outside acl.writerKeys: "
                            + p.aclGetUser(Role.WRITER.userName()).getSelectors());
            assertNotEquals("OK", p.aclDryRun(Role.WRITER.userName(), "FLUSHALL"), "no command the role lacks");
        }
    }

    @Test
    void aSilentReplicaDoesNotHoldUpTheHeartbeat(@TempDir Path dir) throws Exception {
        DaemonConfig cfg = config(dir, "[\"*\"]", "20s", "100ms");
        String key = cfg.redis().keyPrefix() + "heartbeat:" + cfg.daemon().id();
        java.util.concurrent.CountDownLatch reached = new java.util.concurrent.CountDownLatch(1);
        List<java.net.Socket> held = new java.util.concurrent.CopyOnWriteArrayList<>();
        try (Daemon daemon = new Daemon(cfg);
                java.net.ServerSocket silent = new java.net.ServerSocket(0);
                java.net.Socket announcer = new java.net.Socket("127.0.0.1", primary.port())) {
            daemon.start();
            Thread accepting = new Thread(() -> {
                try {
                    held.add(silent.accept()); // accepts, never answers: a server cut off mid-way
                    reached.countDown();
                } catch (java.io.IOException closed) {
                    // the test is over
                }
            });
            accepting.setDaemon(true);
            accepting.start();
            // a replica that says it listens there: the primary lists it, the upkeep goes there
            for (String c : List.of("REPLCONF listening-port " + silent.getLocalPort(), "PSYNC ? -1")) {
                announcer.getOutputStream().write((c + "\r\n").getBytes(java.nio.charset.StandardCharsets.US_ASCII));
                announcer.getOutputStream().flush();
                int first = announcer.getInputStream().read();
                assertEquals('+', first, c + " accepted");
                announcer.getInputStream().skip(announcer.getInputStream().available());
            }
            assertTrue(
                    reached.await(60, java.util.concurrent.TimeUnit.SECONDS),
                    "the role users' upkeep reached the silent replica");
            try (Jedis p = primary.jedis()) {
                java.util.Set<String> beats = new java.util.HashSet<>();
                TestSupport.await(
                        Duration.ofSeconds(10),
                        "three heartbeats (every 100 ms) while the upkeep waits on the silent replica (redis.timeout 20 s)",
                        () -> {
                            beats.add(p.get(key));
                            return beats.size() >= 3;
                        });
            }
        } finally {
            for (java.net.Socket s : held) {
                s.close();
            }
        }
    }

    private static void detach() throws InterruptedException {
        try (Jedis r = replica.jedis();
                Jedis p = primary.jedis()) {
            r.replicaofNoOne();
            TestSupport.await(
                    Duration.ofSeconds(20),
                    "the primary no longer lists the replica",
                    () -> p.info("replication").contains("connected_slaves:0"));
        }
    }

    private static void attach() throws InterruptedException {
        try (Jedis r = replica.jedis();
                Jedis p = primary.jedis()) {
            r.replicaof("127.0.0.1", primary.port());
            TestSupport.await(
                    Duration.ofSeconds(20),
                    "the replica in sync and listed",
                    () -> r.info("replication").contains("master_link_status:up")
                            && p.info("replication").contains("connected_slaves:1"));
        }
    }

    private static RedisAdmin admin() {
        return new RedisAdmin(StateStoreOptions.builder().uri(primary.uri()).build());
    }

    /**
     * acl.replicas: false, for replicas run by someone the daemon's credential must not reach:
     * the replica gets no user and no connection from the daemon (docs/security.md, "Where the
     * daemon sends that credential").
     */
    @Test
    void withReplicasOffOnlyThePrimaryIsContacted(@TempDir Path dir) throws Exception {
        DaemonConfig cfg = config(dir, "[\"*\"]");
        Files.writeString(
                dir.resolve("statestore.yaml"),
                Files.readString(dir.resolve("statestore.yaml")).replace("acl:\n", "acl:\n  replicas: false\n"));
        cfg = new ConfigLoader().load(dir.resolve("statestore.yaml"), Map.of("HOME", dir.toString()));
        assertFalse(cfg.acl().replicas());
        DaemonAccess access = new DaemonAccess(cfg);
        try (RedisAdmin admin = admin()) {
            access.afterConnect(admin, primary.uri());
            access.maintain();
            try (Jedis p = primary.jedis();
                    Jedis r = replica.jedis()) {
                assertTrue(p.aclGetUser(Role.WRITER.userName()) != null, "the primary has the writer");
                assertEquals(null, r.aclGetUser(Role.WRITER.userName()), "the replica was left alone");
                assertFalse(r.clientList().contains("name=statestore-daemon"), r.clientList());
            }
        }
    }

    private static DaemonConfig config(Path dir, String writerKeys) throws Exception {
        return config(dir, writerKeys, "5s", "10s");
    }

    private static DaemonConfig config(Path dir, String writerKeys, String timeout, String heartbeat) throws Exception {
        Path data = Files.createDirectories(dir.resolve("data"));
        Path f = dir.resolve("statestore.yaml");
        Files.writeString(f, """
                redis:
                  url: redis://127.0.0.1:%d
                  timeout: %s
                dataDir: %s
                acl:
                  writerKeys: %s
                daemon:
                  id: acl-upkeep
                  heartbeatInterval: %s
                backup:
                  enabled: false
                http:
                  enabled: false
                """.formatted(primary.port(), timeout, data, writerKeys, heartbeat));
        return new ConfigLoader().load(f, Map.of("HOME", dir.toString()));
    }
}
