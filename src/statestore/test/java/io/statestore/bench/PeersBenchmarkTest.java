package io.statestore.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.statestore.client.StrictJson;
import io.statestore.testing.RedisServerExtension;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;
import redis.clients.jedis.Jedis;

/**
 * A very short run of {@code bench peers} on the statestore columns only (two redis-servers the
 * benchmark starts; etcd and NATS are not needed by the suite): every row is measured and tabled.
 * It checks the harness, not the figures.
 */
class PeersBenchmarkTest {

    @Test
    void aShortRunMeasuresEveryRowOfBothStatestoreColumns() {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cl = BenchMain.commandLine();
        cl.setOut(new PrintWriter(out));
        cl.setErr(new PrintWriter(err));
        int code = cl.execute(
                "peers",
                "--systems",
                "always,everysec",
                "--sets",
                "1",
                "--seconds",
                "0.3",
                "--warmup",
                "0.1",
                "--threads",
                "2",
                "--rate",
                "200",
                "--watch-seconds",
                "0.5",
                "--cold-feed");
        String text = out.toString();
        assertEquals(0, code, text + err);
        assertTrue(text.contains("| row | statestore, AOF everysec | statestore, AOF always |"), text);
        assertTrue(text.contains("durability, statestore, AOF always: redis-server appendfsync always"), text);
        String medians = text.substring(text.indexOf("Medians of 1 set(s)"), text.indexOf("CPU per success"));
        for (PeerRow row : List.of(PeerRow.PUT, PeerRow.CAS_OWN, PeerRow.CAS_HOT)) {
            Matcher m = Pattern.compile(Pattern.quote("| " + row.title() + " | ") + "([\\d,]+) \\| ([\\d,]+) \\|")
                    .matcher(medians);
            assertTrue(m.find(), row + " missing from\n" + medians);
            assertTrue(
                    Long.parseLong(m.group(1).replace(",", "")) > 0
                            && Long.parseLong(m.group(2).replace(",", "")) > 0,
                    m.group());
        }
        assertTrue(
                Pattern.compile(
                                "\\| watch delay p50 / p99 at 200 updates/s \\(ms\\) \\| [\\d.]+ / [\\d.]+ \\| [\\d.]+ / [\\d.]+ \\|")
                        .matcher(medians)
                        .find(),
                medians);
    }

    @Test
    void theSteadyStateFillsTheChangeFeedThroughTheStoresOwnWrites() throws Exception {
        String binary = System.getenv().getOrDefault(RedisServerExtension.SERVER_ENV, "redis-server");
        try (StateStorePeer peer = StateStorePeer.start(binary, "everysec");
                Jedis j = new Jedis("127.0.0.1", peer.port())) {
            String done = peer.fillFeed(Documents.generate(1024, 7, StrictJson.mapper()), 4, 400);
            assertTrue(done.startsWith("change feed filled with 420 puts"), done);
            assertEquals(420, j.xlen("ss:feed"), "one feed entry per put");
            assertEquals(420, j.keys("fill:*").size(), "each put to fill:<n mod 1000>");
        }
    }
}
