package io.statestore.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.statestore.client.StateStore;
import io.statestore.client.StateStoreOptions;
import io.statestore.client.UnavailableException;
import io.statestore.testing.RedisServerExtension;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * A cluster that cannot be reached is described as a cluster: the seed nodes, what each said, and
 * what to check; not "is the daemon running?", which fits one server run by the statestore daemon.
 */
class ClusterErrorWordsTest {
    @RegisterExtension
    static RedisServerExtension plain = RedisServerExtension.portable();

    @Test
    void seedsWhereNothingListensAreNamedWithWhatToCheck() throws Exception {
        int a = closedPort();
        int b = closedPort();
        String url = "redis-cluster://127.0.0.1:" + a + ",127.0.0.1:" + b;
        UnavailableException e = assertThrows(UnavailableException.class, () -> connect(url));
        String m = e.getMessage();
        assertTrue(
                m.startsWith("cannot reach Redis Cluster at " + url + ": no seed node gave the cluster's slot map ("),
                m);
        assertTrue(m.contains("127.0.0.1:" + a + ": nothing listens on 127.0.0.1:" + a), m);
        assertTrue(m.contains("127.0.0.1:" + b + ": nothing listens on 127.0.0.1:" + b), m);
        assertTrue(
                m.endsWith("check that the cluster's nodes are running, that the seed nodes in the URL are their"
                        + " addresses as seen from this host, and that the cluster is up"
                        + " (redis-cli -c -h HOST -p PORT CLUSTER INFO says cluster_state:ok)"),
                m);
        assertFalse(m.contains("daemon"), m);
        assertTrue(e.code().retryable(), "a cluster that is down may come back: " + e.code());
    }

    @Test
    void aSeedThatIsNotAClusterNodeSaysSo() {
        String url = "redis-cluster://127.0.0.1:" + plain.port();
        UnavailableException e = assertThrows(UnavailableException.class, () -> connect(url));
        assertTrue(
                e.getMessage()
                        .contains("127.0.0.1:" + plain.port() + ": ERR This instance has cluster support disabled"),
                e.getMessage());
    }

    @Test
    void theCliSaysTheSame(@TempDir Path dir) throws Exception {
        int a = closedPort();
        String url = "redis-cluster://127.0.0.1:" + a;
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code;
        try (PrintStream o = new PrintStream(out, true, StandardCharsets.UTF_8);
                PrintStream e = new PrintStream(err, true, StandardCharsets.UTF_8)) {
            code = io.statestore.cli.Main.run(
                    new io.statestore.cli.CliIo(new ByteArrayInputStream(new byte[0]), o, e, dir),
                    "--redis",
                    url,
                    "get",
                    "some:doc");
        }
        String stderr = err.toString(StandardCharsets.UTF_8);
        assertTrue(code != 0, stderr);
        assertTrue(stderr.contains("cannot reach Redis Cluster at " + url), stderr);
        assertTrue(stderr.contains("check that the cluster's nodes are running"), stderr);
        assertFalse(stderr.contains("daemon"), stderr);
        assertEquals("", out.toString(StandardCharsets.UTF_8));
    }

    private static StateStore connect(String url) {
        return StateStore.connect(
                StateStoreOptions.builder().uri(url).writer("words-test").build());
    }

    /** A loopback port nothing listens on (it was free a moment ago). */
    private static int closedPort() throws Exception {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }
}
