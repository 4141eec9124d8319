package io.statestore.daemon.web.daemon;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.statestore.client.StateStore;
import io.statestore.daemon.backup.BackupNames;
import io.statestore.daemon.backup.BackupService;
import io.statestore.daemon.config.DaemonConfig;
import io.statestore.daemon.redis.RedisAdmin;
import io.statestore.daemon.status.StatusStore;
import io.statestore.daemon.web.Access;
import io.statestore.daemon.web.WebError;
import io.statestore.daemon.web.ops.Await;
import io.statestore.daemon.web.ops.RouteTable;
import io.statestore.daemon.web.ops.TestRequest;
import io.statestore.testing.RedisServerExtension;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.quartz.CronScheduleBuilder;
import org.quartz.Job;
import org.quartz.JobBuilder;
import org.quartz.JobExecutionContext;
import org.quartz.JobKey;
import org.quartz.Scheduler;
import org.quartz.TriggerBuilder;
import org.quartz.TriggerKey;
import org.quartz.impl.StdSchedulerFactory;
import redis.clients.jedis.Jedis;

class DaemonRoutesTest {
    @RegisterExtension
    static RedisServerExtension redis = RedisServerExtension.portable().withArgs("--enable-protected-configs", "yes");

    @TempDir
    static Path tmp;

    static StateStore store;
    static RedisAdmin admin;
    static StatusStore status;
    static Scheduler scheduler;
    static BackupService backups;
    static RouteTable api;
    static String prefix;

    /** A real Quartz job that records its outcome in the status hash as the daemon's jobs do. */
    public static final class RecordingJob implements Job {
        @Override
        public void execute(JobExecutionContext ctx) {
            String name = ctx.getJobDetail().getKey().getName();
            boolean ok = !name.equals("broken");
            status.recordJob(
                    name, ok, Duration.ofMillis(7), ok ? Map.of("items", 3) : Map.of("error", "boom: disk full"));
        }
    }

    @BeforeAll
    static void setUp() throws Exception {
        store = redis.newStore();
        prefix = store.options().keyPrefix();
        admin = new RedisAdmin(store.options());
        status = new StatusStore(admin, prefix, "d-test", Duration.ofSeconds(5));
        Properties p = new Properties();
        p.setProperty("org.quartz.scheduler.instanceName", "web-test-" + UUID.randomUUID());
        p.setProperty("org.quartz.scheduler.skipUpdateCheck", "true");
        p.setProperty("org.quartz.threadPool.threadCount", "1");
        p.setProperty("org.quartz.threadPool.makeThreadsDaemons", "true");
        p.setProperty("org.quartz.jobStore.class", "org.quartz.simpl.RAMJobStore");
        scheduler = new StdSchedulerFactory(p).getScheduler();
        for (String name : new String[] {"sample", "broken"}) {
            scheduler.scheduleJob(
                    JobBuilder.newJob(RecordingJob.class).withIdentity(name).build(),
                    TriggerBuilder.newTrigger()
                            .withIdentity(name)
                            .withSchedule(CronScheduleBuilder.cronSchedule("0 0 3 * * ?"))
                            .build());
        }
        scheduler.start();
        backups = new BackupService(
                admin,
                new DaemonConfig.Backup(
                        true, "0 0 3 * * ?", "", 2, 0, 0, "auto", Duration.ofSeconds(30), "redis-check-rdb"),
                tmp.resolve("backups"));
        api = RouteTable.of(new DaemonRoutes(admin, prefix, scheduler, backups));
    }

    @AfterAll
    static void tearDown() throws Exception {
        scheduler.shutdown(true);
        admin.close();
    }

    @Test
    void declaresItsRoutesWithBackupActionsForTheAdminOnly() {
        assertEquals(
                Set.of(
                        "GET /daemon",
                        "GET /daemon/backups",
                        "POST /daemon/backups/{name}/verify",
                        "POST /daemon/backups"),
                api.routes());
        assertEquals(Access.READER, api.access("GET /daemon"));
        assertEquals(Access.READER, api.access("GET /daemon/backups"));
        assertEquals(Access.ADMIN, api.access("POST /daemon/backups/{name}/verify"));
        assertEquals(Access.ADMIN, api.access("POST /daemon/backups"));
    }

    @Test
    void overviewShowsTheStatusHashDaemonsJobsAndTheServer() throws Exception {
        status.put(Map.of("version", "test-1", "persistence", "ok"));
        status.heartbeat(Duration.ofSeconds(30));
        scheduler.triggerJob(JobKey.jobKey("sample"));
        scheduler.triggerJob(JobKey.jobKey("broken"));
        try (Jedis j = redis.jedis()) {
            Await.until(
                    "both jobs recorded",
                    () -> j.hexists(prefix + "status", "sample_time") && j.hexists(prefix + "status", "broken_time"));
        }
        JsonNode o = api.call("GET /daemon", TestRequest.get().as(Access.READER));

        assertEquals("test-1", o.get("status").get("version").asText());
        assertEquals("ok", o.get("status").get("sample_result").asText());
        JsonNode d = o.get("daemons").get(0);
        assertEquals("d-test", d.get("id").asText());
        assertTrue(d.get("alive").asBoolean());
        assertEquals(ProcessHandle.current().pid(), d.get("pid").asLong());

        JsonNode sample = job(o, "sample");
        assertEquals("ok", sample.get("result").asText());
        assertEquals(
                o.get("status").get("sample_time").asText(),
                sample.get("lastRun").asText());
        assertTrue(Instant.parse(sample.get("lastRun").asText())
                .isAfter(Instant.now().minusSeconds(600)));
        assertEquals(7, sample.get("durationMs").asLong());
        assertEquals("d-test", sample.get("ranOn").asText());
        assertEquals("3", sample.get("figures").get("items").asText());
        assertEquals("0 0 3 * * ?", sample.get("schedule").asText());
        assertEquals(
                scheduler
                        .getTrigger(TriggerKey.triggerKey("sample"))
                        .getNextFireTime()
                        .getTime(),
                sample.get("nextRunMs").asLong());
        assertTrue(sample.get("error").isNull());
        JsonNode broken = job(o, "broken");
        assertEquals("failed", broken.get("result").asText());
        assertEquals("boom: disk full", broken.get("error").asText());
        assertFalse(broken.get("figures").has("error"), "the error is its own field, not a figure");

        JsonNode server = o.get("server");
        assertTrue(server.get("version").asText().matches("(redis|valkey) \\d+.*"), server.toString());
        assertEquals("standalone", server.get("topology").asText());
        assertTrue(server.get("memory").get("usedBytes").asLong() > 0);
        assertTrue(server.get("clients").get("connected").asLong() >= 1);
        assertTrue(server.get("opsPerSec").asLong() >= 0);
        assertFalse(
                server.get("persistence").get("aofEnabled").asBoolean(), "the test server runs with --appendonly no");
        assertEquals("ok", server.get("persistence").get("rdbLastBgsaveStatus").asText());
        assertTrue(server.get("persistence").get("rdbLastSaveMs").asLong() > 0);
        assertEquals("master", server.get("replication").get("role").asText());
        assertEquals(0, server.get("replication").get("connectedReplicas").asLong());
        assertTrue(server.get("problems").isArray());
    }

    @Test
    void backupsAreTakenListedAndVerified() throws Exception {
        store.put("doc:1", Map.of("a", 1));
        JsonNode taken = api.call("POST /daemon/backups", TestRequest.get().as(Access.ADMIN));
        String name = taken.get("name").asText();
        Path file = backups.dir().resolve(name);
        assertTrue(Files.isRegularFile(file), "the backup is on disk: " + taken);
        assertEquals(Files.size(file), taken.get("sizeBytes").asLong());
        assertFalse(taken.get("verifiedBy").asText().isEmpty());

        JsonNode list = api.call("GET /daemon/backups", TestRequest.get().as(Access.READER));
        assertEquals(backups.dir().toString(), list.get("dir").asText());
        JsonNode first = list.get("backups").get(0);
        assertEquals(name, first.get("name").asText(), "newest first");
        assertEquals(Files.size(file), first.get("sizeBytes").asLong());
        assertEquals(BackupNames.list(backups.dir()).size(), list.get("backups").size());
        assertTrue(
                Math.abs(first.get("takenMs").asLong()
                                - Files.getLastModifiedTime(file).toMillis())
                        < 600_000,
                "the time in the name is when it was taken");

        JsonNode ok =
                api.call("POST /daemon/backups/{name}/verify", TestRequest.get().path("name", name));
        assertTrue(ok.get("ok").asBoolean(), ok.toString());
        assertEquals(name, ok.get("name").asText());

        // a damaged backup: the verification says so, as a result
        String damagedName = BackupNames.name(Instant.parse("2020-01-01T00:00:00Z"));
        Files.write(backups.dir().resolve(damagedName), "REDIS0011 not really".getBytes());
        JsonNode bad =
                api.call("POST /daemon/backups/{name}/verify", TestRequest.get().path("name", damagedName));
        assertFalse(bad.get("ok").asBoolean());
        assertTrue(bad.get("error").asText().contains(damagedName), bad.toString());
        Files.delete(backups.dir().resolve(damagedName));
    }

    @Test
    void badBackupNamesAreRefusedInOurWords() {
        WebError traversal = assertThrows(
                WebError.class,
                () -> api.call(
                        "POST /daemon/backups/{name}/verify", TestRequest.get().path("name", "../../etc/passwd")));
        assertEquals(400, traversal.status());
        assertTrue(
                traversal.getMessage().contains("\"../../etc/passwd\" is not a backup name"), traversal.getMessage());
        String missing = BackupNames.name(Instant.parse("2001-02-03T04:05:06.007Z"));
        WebError none = assertThrows(
                WebError.class,
                () -> api.call(
                        "POST /daemon/backups/{name}/verify", TestRequest.get().path("name", missing)));
        assertEquals(404, none.status());
        assertTrue(none.getMessage().contains("no backup " + missing), none.getMessage());
    }

    private static JsonNode job(JsonNode overview, String name) {
        for (JsonNode j : overview.get("jobs")) {
            if (j.get("name").asText().equals(name)) {
                return j;
            }
        }
        throw new AssertionError("no job " + name + " in " + overview.get("jobs"));
    }
}
