package io.statestore.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.statestore.daemon.Daemon;
import io.statestore.daemon.backup.BackupResult;
import io.statestore.daemon.config.ConfigLoader;
import io.statestore.testing.RedisClusterExtension;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import redis.clients.jedis.Jedis;

/**
 * The lines {@code backup restore SET} prints are pasted into a shell on the nodes' hosts: each
 * {@code rm -rf} and {@code cp} must reach the shell as exactly the node's own paths and the set's
 * file, whatever the paths hold (a space would make {@code rm -rf} remove the parent directory),
 * and a set given by a relative path must be printed by its absolute one (docs/cluster.md). The
 * set's directory here has a space and a quote; a node's {@code dir} is protected config (not
 * settable at run time), so odd node paths are covered by {@code ShellWordTest} through the same
 * quoting.
 */
class ClusterRestoreStepsShellTest {
    @RegisterExtension
    static RedisClusterExtension cluster = RedisClusterExtension.shared();

    private static final Pattern STEP =
            Pattern.compile("^ +127\\.0\\.0\\.1:(\\d+)  (rm -rf|cp) (.*?)(   \\(slots [0-9, -]+\\))?$");

    @TempDir
    Path dir;

    @Test
    void everyPrintedRemoveAndCopyGivesTheShellExactlyTheNodesPaths() throws Exception {
        Path config = config();
        BackupResult backup;
        try (Daemon daemon = new Daemon(new ConfigLoader().load(config, Map.of("HOME", dir.toString())))) {
            daemon.start();
            backup = daemon.services().backups().backupNow();
        }
        // a relative path to the set, as an operator in the backup directory would type it
        Path relative = Path.of("").toAbsolutePath().relativize(backup.file());
        String[] steps = BackupCli.run(config, dir, "restore", relative.toString());
        assertEquals("0", steps[0], steps[2]);
        System.out.println("[cluster] backup restore SET prints:\n" + steps[1]);
        int removes = 0;
        int copies = 0;
        for (String line : steps[1].lines().toList()) {
            Matcher m = STEP.matcher(line);
            if (!m.matches()) {
                continue;
            }
            int port = Integer.parseInt(m.group(1));
            String nodeDir = nodeDir(port);
            List<String> words = shellWords(m.group(3));
            if (m.group(2).equals("rm -rf")) {
                removes++;
                assertEquals(List.of(nodeDir + "/appendonlydir", nodeDir + "/dump.rdb"), words, line);
            } else {
                copies++;
                assertEquals(2, words.size(), line);
                assertTrue(Path.of(words.get(0)).isAbsolute(), "the set by its absolute path: " + line);
                assertTrue(Files.isRegularFile(Path.of(words.get(0))), "a file of the set: " + line);
                assertEquals(
                        backup.file().toAbsolutePath(), Path.of(words.get(0)).getParent(), line);
                assertEquals(nodeDir + "/dump.rdb", words.get(1), line);
            }
        }
        assertEquals(6, removes, "every node, replicas too: " + steps[1]);
        assertEquals(3, copies, "every primary: " + steps[1]);
    }

    /** The words a POSIX shell makes of {@code text}, as printf shows them one a line. */
    private static List<String> shellWords(String text) throws Exception {
        Process p = new ProcessBuilder("/bin/sh", "-c", "printf '%s\\n' " + text)
                .redirectErrorStream(true)
                .start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(30, TimeUnit.SECONDS), "sh ended");
        return out.lines().toList();
    }

    private static String nodeDir(int port) {
        try (Jedis j = cluster.node(port)) {
            return j.configGet("dir").get("dir");
        }
    }

    private Path config() throws Exception {
        Path data = Files.createDirectories(dir.resolve("data"));
        Path f = dir.resolve("statestore.yaml");
        Files.writeString(f, """
                redis:
                  url: %s
                dataDir: %s
                daemon:
                  id: cluster-restore-shell
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
                  dir: "%s"
                """.formatted(cluster.uri(), data, dir.resolve("my backup's dir")));
        return f;
    }
}
