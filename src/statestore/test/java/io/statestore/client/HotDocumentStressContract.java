package io.statestore.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.statestore.testing.RedisServerExtension;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.StreamEntryID;
import redis.clients.jedis.resps.StreamEntry;

/**
 * Flat combining under fire (issue 20, docs/combining.md): 16 threads in each of 4 JVM processes
 * write one document with mixed merges, increments and compare-and-set merges, while the test
 * kills writer processes with {@code kill -9} at random moments (starting a new one in the slot)
 * and drops every client connection with {@code CLIENT KILL} (so chains are cut mid-call and
 * re-sent). Afterwards: every acknowledged change is in the feed exactly once, at the revision
 * its caller was given; no change is there twice; revisions are contiguous with one feed entry
 * per change in revision order; and the document is what the feed says (the counter equals the
 * number of increments, each field the last merge of it, the CAS field the last CAS).
 */
abstract class HotDocumentStressContract {
    static final String KEY = "hot:stress";
    static final int PROCESSES = 4;
    static final int THREADS = 16;
    static final long CHAOS_MILLIS = Long.getLong("statestore.hotStressMillis", 12_000);

    abstract RedisServerExtension redis();

    @Test
    void everyAcknowledgedChangeIsAppliedExactlyOnceThroughKillsAndDroppedConnections() throws Exception {
        redis().flushAll();
        StateStore store = redis().newStore();
        try (Jedis j = redis().jedis()) {
            j.fcall("ss_config_set", List.of("ss:config"), List.of("feedmax", "0")); // keep every entry to check
        }
        store.put(KEY, StrictJson.parse("{\"n\":0}"));
        Path acks = Files.createTempDirectory("statestore-hot-acks-");
        Random random = new Random();
        Process[] slots = new Process[PROCESSES];
        int[] incarnations = new int[PROCESSES];
        int kills = 0;
        int connectionDrops = 0;
        try {
            for (int p = 0; p < PROCESSES; p++) {
                slots[p] = start(p, incarnations[p]++, acks);
            }
            awaitWorking(acks); // a JVM takes seconds to start on a loaded machine: the chaos starts once all write
            long end = System.nanoTime() + CHAOS_MILLIS * 1_000_000;
            long nextKill = System.nanoTime() + 2_000_000_000L + random.nextInt(2_000) * 1_000_000L;
            while (System.nanoTime() < end) {
                Thread.sleep(100 + random.nextInt(300));
                if (System.nanoTime() >= nextKill) {
                    int p = random.nextInt(PROCESSES);
                    slots[p].destroyForcibly(); // SIGKILL
                    slots[p].waitFor();
                    kills++;
                    slots[p] = start(p, incarnations[p]++, acks);
                    nextKill = System.nanoTime() + 2_000_000_000L + random.nextInt(2_000) * 1_000_000L;
                } else {
                    try (Jedis j = redis().jedis()) {
                        j.sendCommand(
                                redis.clients.jedis.Protocol.Command.CLIENT, "KILL", "TYPE", "normal", "SKIPME", "yes");
                    }
                    connectionDrops++;
                }
            }
        } finally {
            for (Process p : slots) {
                if (p != null) {
                    p.destroyForcibly();
                    p.waitFor();
                }
            }
        }
        System.out.println("[hot-stress] " + (redis().moduleMode() ? "module" : "portable") + ": " + kills
                + " kill -9, " + connectionDrops + " CLIENT KILL");
        verify(store, HotWriterProcess.acknowledged(acks));
    }

    /** Waits until every first writer process has acknowledged a write (at most a minute). */
    private static void awaitWorking(Path acks) throws Exception {
        long deadline = System.nanoTime() + 60_000_000_000L;
        while (System.nanoTime() < deadline) {
            java.util.Set<String> working = new java.util.HashSet<>();
            try (var files = Files.list(acks)) {
                files.filter(f -> f.toString().endsWith(".ack"))
                        .filter(f -> f.toFile().length() > 0)
                        .forEach(f -> working.add(f.getFileName().toString().split("-")[0]));
            }
            if (working.size() >= PROCESSES) {
                return;
            }
            Thread.sleep(100);
        }
        throw new AssertionError(
                "the writer processes did not start writing within a minute; see " + acks.resolve("stderr.log"));
    }

    private Process start(int slot, int incarnation, Path acks) throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        return new ProcessBuilder(
                        java,
                        "-XX:TieredStopAtLevel=1",
                        "-XX:+UseSerialGC",
                        "-cp",
                        System.getProperty("java.class.path"),
                        HotWriterProcess.class.getName(),
                        redis().uri(),
                        KEY,
                        "p" + slot + "." + incarnation,
                        Integer.toString(THREADS),
                        acks.toString())
                // not inheritIO: a child writing to the fork's stdout corrupts Surefire's channel
                .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                .redirectError(ProcessBuilder.Redirect.appendTo(
                        acks.resolve("stderr.log").toFile()))
                .start();
    }

    private void verify(StateStore store, List<String> ackLines) {
        List<StreamEntry> feed;
        try (Jedis j = redis().jedis()) {
            feed = j.xrange("ss:feed", (StreamEntryID) null, (StreamEntryID) null);
        }
        Map<String, Long> revisionOfToken = new HashMap<>();
        long increments = 0;
        Map<String, String> lastMerge = new HashMap<>();
        String lastCas = null;
        for (int i = 0; i < feed.size(); i++) {
            Map<String, String> f = feed.get(i).getFields();
            assertEquals(KEY, f.get("key"));
            assertEquals(Long.toString(i + 1), f.get("rev"), "revisions contiguous, one feed entry each, in order");
            assertEquals(Long.toString(i), f.get("prev"));
            String token = f.get("src");
            if (token == null) {
                assertEquals(0, i, "only the initial put has no token");
                continue;
            }
            assertTrue(revisionOfToken.put(token, (long) i + 1) == null, "change " + token + " applied twice");
            if (f.get("op").equals("incr")) {
                increments++;
            } else if (f.get("change").contains("\"cas\"")) {
                lastCas = token;
            } else {
                JsonNode change = StrictJson.parse(f.get("change"));
                change.fieldNames()
                        .forEachRemaining(
                                name -> lastMerge.put(name, change.get(name).asText()));
            }
        }
        int acknowledged = 0;
        Map<String, Integer> kinds = new HashMap<>();
        for (String line : ackLines) {
            String[] parts = line.split(" ");
            if (parts.length != 3) {
                continue; // a line cut by kill -9 before it was forced: never counted as acknowledged
            }
            acknowledged++;
            kinds.merge(parts[1], 1, Integer::sum);
            Long rev = revisionOfToken.get(parts[0]);
            assertTrue(rev != null, "acknowledged change " + parts[0] + " is not in the feed");
            assertEquals(
                    Long.parseLong(parts[2]),
                    rev,
                    "acknowledged change " + parts[0] + " at the revision its caller got");
        }
        Document<JsonNode> d = store.get(KEY).orElseThrow();
        assertEquals(feed.size(), d.revision(), "the document's revision is its last feed entry's");
        assertEquals(increments, d.value().get("n").asLong(), "every increment applied once");
        for (Map.Entry<String, String> m : lastMerge.entrySet()) {
            assertEquals(
                    m.getValue(), d.value().get(m.getKey()).asText(), "field " + m.getKey() + " is its last merge");
        }
        if (lastCas != null) {
            assertEquals(lastCas, d.value().get("cas").asText(), "the last compare-and-set stands");
        }
        System.out.println("[hot-stress] " + feed.size() + " changes, " + acknowledged + " acknowledged " + kinds + ", "
                + (revisionOfToken.size() - acknowledged) + " applied but not acknowledged (killed or cut)");
        assertTrue(acknowledged > 1000, "the writers got work done: " + acknowledged);
    }
}
