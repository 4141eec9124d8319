package io.statestore.daemon.status;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.statestore.testing.RedisServerExtension;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import redis.clients.jedis.Jedis;

/** How a registered daemon is judged: by the process table for one on this host, by its heartbeat otherwise. */
class DaemonRegistryTest {
    @RegisterExtension
    static final RedisServerExtension redis = RedisServerExtension.portable();

    private static final String PREFIX = "ss:";

    @Test
    void aDaemonWhoseProcessIsGoneFromThisHostIsDeadAtOnceWhateverItsHeartbeatSays() throws Exception {
        Process exited = new ProcessBuilder("true").start();
        assertTrue(exited.waitFor(10, TimeUnit.SECONDS));
        long now = Instant.now().minusSeconds(1).toEpochMilli();
        try (Jedis j = redis.jedis()) {
            j.flushAll();
            long serverNow = serverMillis(j);
            j.hset(
                    DaemonRegistry.key(PREFIX),
                    Map.of(
                            "killed",
                                    entry(
                                            exited.pid(),
                                            DaemonRegistry.hostName(),
                                            Instant.ofEpochMilli(now),
                                            serverNow),
                            "this-jvm",
                                    entry(
                                            ProcessHandle.current().pid(),
                                            DaemonRegistry.hostName(),
                                            ProcessHandle.current()
                                                    .info()
                                                    .startInstant()
                                                    .orElseThrow(),
                                            serverNow),
                            "far", entry(exited.pid(), "elsewhere.invalid", Instant.ofEpochMilli(now), serverNow),
                            "far-silent",
                                    entry(4242, "elsewhere.invalid", Instant.ofEpochMilli(now), serverNow - 60_000)));
            List<DaemonBeat> beats = DaemonRegistry.read(j, PREFIX);
            assertEquals(
                    List.of("far", "far-silent", "killed", "this-jvm"),
                    beats.stream().map(DaemonBeat::id).toList());
            DaemonBeat far = beats.get(0);
            DaemonBeat silent = beats.get(1);
            DaemonBeat killed = beats.get(2);
            DaemonBeat self = beats.get(3);
            assertTrue(far.alive(), "another host's daemon is judged by its fresh heartbeat: " + far);
            assertFalse(silent.alive(), "another host's daemon without a heartbeat for 60 s: " + silent);
            assertTrue(silent.describe(false).contains("DEAD, no heartbeat for "), silent.describe(false));
            assertTrue(self.alive(), "a live process of this host with a fresh heartbeat: " + self);
            if (ProcessHandle.of(1).isEmpty()) {
                System.out.println("DaemonRegistryTest: this process cannot see PID 1 (proc hides other users'"
                        + " processes), so the process table is not asked; only the heartbeat was checked");
                return;
            }
            assertFalse(killed.alive(), "its process has exited, its heartbeat is fresh: " + killed);
            assertTrue(killed.processGone());
            assertTrue(
                    killed.describe(false)
                            .startsWith("daemon killed: DEAD, its process is gone from this host (last heartbeat "),
                    killed.describe(false));
        }
    }

    @Test
    void aKilledDaemonNotYetReapedByItsParentIsGone() throws Exception {
        // the shell starts the "daemon", prints its PID and becomes a sleep that never reaps it
        Process parent = new ProcessBuilder("bash", "-c", "sleep 60 & echo $!; exec sleep 30").start();
        try {
            long pid = Long.parseLong(new java.io.BufferedReader(new java.io.InputStreamReader(
                            parent.getInputStream(), java.nio.charset.StandardCharsets.UTF_8))
                    .readLine()
                    .trim());
            ProcessHandle daemon = ProcessHandle.of(pid).orElseThrow();
            Instant started = daemon.info().startInstant().orElseThrow();
            daemon.destroyForcibly(); // SIGKILL: a zombie until its parent waits, which it never does
            try (Jedis j = redis.jedis()) {
                j.flushAll();
                j.hset(
                        DaemonRegistry.key(PREFIX),
                        "zombie",
                        entry(pid, DaemonRegistry.hostName(), started, serverMillis(j)));
                DaemonBeat b = null;
                for (long until = System.nanoTime() + 10_000_000_000L; System.nanoTime() < until; Thread.sleep(20)) {
                    b = DaemonRegistry.read(j, PREFIX).get(0);
                    if (b.processGone()) {
                        break; // the kill is asynchronous: the zombie appears a moment after it
                    }
                }
                assertEquals(ProcessHandle.of(1).isPresent(), b.processGone(), b.toString());
            }
        } finally {
            parent.destroyForcibly();
        }
    }

    @Test
    void aPidNowHeldByAProcessStartedAfterTheDaemonIsAnotherProcess() throws Exception {
        try (Jedis j = redis.jedis()) {
            j.flushAll();
            long serverNow = serverMillis(j);
            // this JVM's PID, but "started" an hour before this JVM did: a daemon whose PID was reused
            Instant longAgo =
                    ProcessHandle.current().info().startInstant().orElseThrow().minusSeconds(3600);
            j.hset(
                    DaemonRegistry.key(PREFIX),
                    "reused",
                    entry(ProcessHandle.current().pid(), DaemonRegistry.hostName(), longAgo, serverNow));
            DaemonBeat b = DaemonRegistry.read(j, PREFIX).get(0);
            assertEquals(ProcessHandle.of(1).isPresent(), b.processGone(), b.toString());
        }
    }

    private static long serverMillis(Jedis j) {
        List<String> t = j.time();
        return Long.parseLong(t.get(0)) * 1000 + Long.parseLong(t.get(1)) / 1000;
    }

    private static String entry(long pid, String host, Instant started, long beatMs) {
        return "{\"pid\":" + pid + ",\"host\":\"" + host + "\",\"started\":\"" + started + "\",\"interval_ms\":10000,"
                + "\"beat_ms\":" + beatMs + "}";
    }
}
