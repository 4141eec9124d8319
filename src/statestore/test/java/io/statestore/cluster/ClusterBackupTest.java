package io.statestore.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.statestore.client.Document;
import io.statestore.client.HistoryPolicy;
import io.statestore.client.StateStore;
import io.statestore.client.spi.ClusterNodes;
import io.statestore.client.spi.KeyLayout;
import io.statestore.client.spi.SlotTags;
import io.statestore.daemon.Daemon;
import io.statestore.daemon.backup.BackupException;
import io.statestore.daemon.backup.BackupResult;
import io.statestore.daemon.backup.ClusterBackup;
import io.statestore.daemon.backup.ClusterRestorePlan;
import io.statestore.daemon.config.ConfigLoader;
import io.statestore.testing.RedisClusterExtension;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import redis.clients.jedis.Jedis;

/**
 * A backup of a cluster (one RDB per primary, one set with a manifest) restored into a fresh
 * cluster of the same shape: every document identical (docs/cluster.md, "Backups of a cluster").
 */
class ClusterBackupTest {
    @RegisterExtension
    static RedisClusterExtension source = RedisClusterExtension.threePrimaries();

    @RegisterExtension
    static RedisClusterExtension target = RedisClusterExtension.threePrimaries();

    static final KeyLayout LAYOUT = new KeyLayout("ss:", true);

    @TempDir
    Path dir;

    @Test
    void aBackupOfEveryPrimaryRestoresIntoAFreshClusterOfTheSameShapeWithEveryDocumentIdentical() throws Exception {
        StateStore store = source.newStore(b -> b.historyPolicy(new HistoryPolicy("doc:*", 5, Duration.ZERO)));
        List<String> keys = new ArrayList<>();
        Set<Integer> primaries = new HashSet<>();
        for (int i = 0; i < 300; i++) {
            String key = "doc:" + i;
            store.put(key, Map.of("i", i, "text", "first"));
            store.put(key, Map.of("i", i, "text", "second " + "x".repeat(i % 50)));
            keys.add(key);
            primaries.add(source.primaryOfSlot(SlotTags.slot(key)));
        }
        store.delete("doc:7"); // a tombstone is restored too: the next write continues its revisions
        assertEquals(3, primaries.size(), "documents on every primary");

        BackupResult backup;
        try (Daemon daemon = new Daemon(config())) {
            daemon.start();
            backup = daemon.services().backups().backupNow();
        }
        List<ClusterBackup.Entry> entries = ClusterBackup.read(backup.file());
        assertEquals(3, entries.size(), "one file per primary");
        assertTrue(
                backup.file().getFileName().toString().startsWith("statestore-cluster-"),
                backup.file().toString());

        String[] list = backupCli("list");
        assertEquals("0", list[0], list[2]);
        assertTrue(list[1].contains(backup.file() + "\t" + backup.size() + "\tcluster set"), list[1]);
        String[] verify = backupCli("verify", backup.file().toString());
        assertEquals("0", verify[0], verify[2]);
        assertEquals(
                3, verify[1].lines().filter(l -> l.contains(": ok (slots ")).count(), verify[1]);

        // the steps `backup restore SET` prints for the target cluster, followed as printed
        Path targetConfig = dir.resolve("target.yaml");
        Files.writeString(
                targetConfig, Files.readString(dir.resolve("statestore.yaml")).replace(source.uri(), target.uri()));
        String[] steps =
                BackupCli.run(targetConfig, dir, "restore", backup.file().toString());
        assertEquals("0", steps[0], steps[2]);
        System.out.println("[cluster] backup restore SET prints:\n" + steps[1]);
        Map<Integer, Path> files = new HashMap<>();
        for (String line : steps[1].lines().toList()) {
            java.util.regex.Matcher cp = java.util.regex.Pattern.compile(
                            "^ +127\\.0\\.0\\.1:(\\d+)  cp (\\S+) (\\S+)   \\(slots [0-9-]+\\)$")
                    .matcher(line);
            if (cp.matches()) {
                int port = Integer.parseInt(cp.group(1));
                assertTrue(cp.group(3).endsWith("/" + port + "/dump.rdb"), "the primary's own RDB path: " + line);
                files.put(port, Path.of(cp.group(2)));
            }
        }
        assertEquals(
                Set.copyOf(target.primaryPorts()),
                files.keySet(),
                "a file for every primary of the target: " + steps[1]);
        List<ClusterNodes.Node> targetPrimaries = ClusterNodes.servingPrimaries(clusterNodes(target));
        for (ClusterRestorePlan.Step step : ClusterRestorePlan.of(backup.file(), entries, targetPrimaries)) {
            assertEquals(step.file(), files.get(step.primary().address().getPort()), "the plan's file for " + step);
        }
        assertEquals(
                6,
                steps[1].lines()
                        .filter(l -> l.matches("^ +127\\.0\\.0\\.1:\\d+  rm -rf .*/appendonlydir .*/dump\\.rdb$"))
                        .count(),
                "every node's data to remove, replicas too: " + steps[1]);
        String[] wrongKind = BackupCli.run(
                targetConfig,
                dir,
                "restore",
                backup.file().resolve(entries.get(0).file()).toString());
        assertEquals("2", wrongKind[0], wrongKind[1]);
        assertTrue(wrongKind[2].contains("a cluster is restored from a set"), wrongKind[2]);
        target.restorePrimaries(files);

        StateStore restored = target.newStore();
        for (String key : keys) {
            Document<JsonNode> before = store.get(key).orElse(null);
            Document<JsonNode> after = restored.get(key).orElse(null);
            assertEquals(before, after, key + ": value, revision and metadata");
            assertEquals(store.history().list(key), restored.history().list(key), key + ": history");
        }
        for (String key : List.of("doc:0", "doc:1", "doc:299")) {
            String feed = LAYOUT.feed(key);
            List<String> before = entries(source, feed);
            List<String> after = entries(target, feed);
            assertTrue(before.size() >= 2, "the feed of " + key + "'s slot: " + before);
            assertEquals(before, after, "the change feed of " + key + "'s slot");
        }
        assertEquals(
                store.put("doc:7", Map.of("back", true)).revision(),
                restored.put("doc:7", Map.of("back", true)).revision(),
                "revisions go on after the tombstone as on the source");
    }

    @Test
    void aSetIsRestoredOnlyIntoAClusterOfItsShapeAndADamagedFileIsNamed() throws Exception {
        Path set = Files.createDirectories(dir.resolve("statestore-cluster-x"));
        Files.writeString(set.resolve("slots-0.rdb"), "REDIS0011");
        List<ClusterBackup.Entry> entries =
                List.of(new ClusterBackup.Entry("slots-0.rdb", "n1", "h:1", "0-8191", 9, "00"));
        BackupException shape = assertThrows(
                BackupException.class,
                () -> ClusterRestorePlan.of(set, entries, ClusterNodes.servingPrimaries(clusterNodes(target))));
        assertTrue(shape.getMessage().contains("not of the backup's shape"), shape.getMessage());
        assertTrue(shape.getMessage().contains("slots-0.rdb (slots 0-8191)"), shape.getMessage());
        assertTrue(shape.getMessage().contains("nothing was changed"), shape.getMessage());
        Files.writeString(
                set.resolve(ClusterBackup.MANIFEST),
                "{\"files\":[{\"file\":\"slots-0.rdb\",\"node\":\"n1\",\"address\":\"h:1\",\"slots\":\"0-16383\","
                        + "\"size\":9,\"sha256\":\"00\"}]}");
        BackupException damaged = assertThrows(BackupException.class, () -> ClusterBackup.read(set));
        assertTrue(damaged.getMessage().contains("slots-0.rdb differs from the manifest"), damaged.getMessage());
    }

    private io.statestore.daemon.config.DaemonConfig config() throws Exception {
        Path data = Files.createDirectories(dir.resolve("data"));
        Path f = dir.resolve("statestore.yaml");
        Files.writeString(f, """
                redis:
                  url: %s
                dataDir: %s
                daemon:
                  id: cluster-backup
                acl:
                  enabled: false
                http:
                  enabled: false
                sweep:
                  enabled: false
                trim:
                  enabled: false
                backup:
                  schedule: "0 0 3 * * ?"
                  dir: %s
                """.formatted(source.uri(), data, dir.resolve("backups")));
        return new ConfigLoader().load(f, Map.of("HOME", dir.toString()));
    }

    /** {@code statestore backup ACTION [FILE] --config ...} in this process: exit code, stdout, stderr. */
    private String[] backupCli(String... args) {
        return BackupCli.run(dir.resolve("statestore.yaml"), dir, args);
    }

    private static String clusterNodes(RedisClusterExtension cluster) {
        try (Jedis j = cluster.node(cluster.primaryPorts().get(0))) {
            return j.clusterNodes();
        }
    }

    /** A slot feed's entries as text (id and fields): StreamEntry has no equals. */
    private static List<String> entries(RedisClusterExtension cluster, String feed) {
        List<redis.clients.jedis.resps.StreamEntry> all = onPrimaryOf(cluster, feed, j -> j.xrange(feed, "-", "+"));
        return all.stream().map(e -> e.getID() + " " + e.getFields()).toList();
    }

    private static <T> T onPrimaryOf(
            RedisClusterExtension cluster, String key, java.util.function.Function<Jedis, T> work) {
        try (Jedis j = cluster.node(cluster.primaryOfSlot(SlotTags.slot(key)))) {
            return work.apply(j);
        }
    }
}
