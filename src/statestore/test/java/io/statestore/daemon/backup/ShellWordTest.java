package io.statestore.daemon.backup;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The paths of the restore steps ({@link ClusterRestoreSteps}) are pasted into a shell: each must
 * reach it as one word, unchanged, whatever a node's data directory is called.
 */
class ShellWordTest {
    @Test
    void everyPathReachesAPosixShellAsOneWordUnchanged() throws Exception {
        List<String> paths = List.of(
                "/var/lib/redis/dump.rdb",
                "/srv/redis data/dump.rdb",
                "/srv/it's here/appendonlydir",
                "/srv/$HOME/`id`/a;b|c&d/*.rdb",
                "/srv/tab\there/new\nline",
                "-rf");
        StringBuilder line = new StringBuilder("printf '%s\\0'");
        for (String p : paths) {
            line.append(' ').append(ClusterRestoreSteps.shellWord(p));
        }
        Process sh = new ProcessBuilder("/bin/sh", "-c", line.toString()).start();
        String out = new String(sh.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(sh.waitFor(30, TimeUnit.SECONDS), "sh ended");
        assertEquals(paths, List.of(out.split("\0")), line.toString());
        assertEquals(
                "/var/lib/redis/dump.rdb",
                ClusterRestoreSteps.shellWord("/var/lib/redis/dump.rdb"),
                "plain stays plain");
    }
}
