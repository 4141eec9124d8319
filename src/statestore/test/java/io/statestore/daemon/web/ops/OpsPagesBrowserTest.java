package io.statestore.daemon.web.ops;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.statestore.client.EventBus;
import io.statestore.client.StateStore;
import io.statestore.client.events.ConsumeOptions;
import io.statestore.client.events.Subscription;
import io.statestore.client.events.TaskProducer;
import io.statestore.daemon.backup.BackupService;
import io.statestore.daemon.config.DaemonConfig;
import io.statestore.daemon.redis.RedisAdmin;
import io.statestore.daemon.status.StatusStore;
import io.statestore.daemon.web.Access;
import io.statestore.daemon.web.daemon.DaemonRoutes;
import io.statestore.daemon.web.events.EventBusRoutes;
import io.statestore.daemon.web.tasks.TaskRoutes;
import io.statestore.testing.RedisServerExtension;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.quartz.CronScheduleBuilder;
import org.quartz.JobBuilder;
import org.quartz.Scheduler;
import org.quartz.TriggerBuilder;
import org.quartz.impl.StdSchedulerFactory;

/**
 * The Events, Tasks and Daemon pages rendered by headless Chromium over real data (real Redis,
 * a real failing consumer, a task stream, a Quartz job, a backup), served by {@link PageServer}
 * with a stub {@code app.js} until the dashboard's own server is merged. Skipped, with the reason
 * printed, where Chromium is not installed.
 */
class OpsPagesBrowserTest {
    @RegisterExtension
    static RedisServerExtension redis = RedisServerExtension.portable().withArgs("--enable-protected-configs", "yes");

    static RedisAdmin admin;
    static Scheduler scheduler;
    static PageServer pages;
    static Path backupDir;

    public static final class IdleJob implements org.quartz.Job {
        @Override
        public void execute(org.quartz.JobExecutionContext context) {
            // scheduled for 03:00 only: the page shows its trigger and the status hash's record
        }
    }

    @BeforeAll
    static void setUp() throws Exception {
        if (HeadlessChromium.binary() == null) {
            return;
        }
        StateStore store = redis.newStore();
        EventBus bus = store.events();
        admin = new RedisAdmin(store.options());
        String prefix = store.options().keyPrefix();
        StatusStore status = new StatusStore(admin, prefix, "d-page", Duration.ofSeconds(5));
        status.heartbeat(Duration.ofSeconds(30));
        status.recordJob("sweep", true, Duration.ofMillis(12), Map.of("removed", 4));
        Properties p = new Properties();
        p.setProperty("org.quartz.scheduler.instanceName", "pages-" + UUID.randomUUID());
        p.setProperty("org.quartz.scheduler.skipUpdateCheck", "true");
        p.setProperty("org.quartz.threadPool.threadCount", "1");
        p.setProperty("org.quartz.threadPool.makeThreadsDaemons", "true");
        p.setProperty("org.quartz.jobStore.class", "org.quartz.simpl.RAMJobStore");
        scheduler = new StdSchedulerFactory(p).getScheduler();
        scheduler.scheduleJob(
                JobBuilder.newJob(IdleJob.class).withIdentity("sweep").build(),
                TriggerBuilder.newTrigger()
                        .withIdentity("sweep")
                        .withSchedule(CronScheduleBuilder.cronSchedule("0 0 3 * * ?"))
                        .build());
        backupDir = Files.createTempDirectory("statestore-page-backups-");
        BackupService backups = new BackupService(
                admin,
                new DaemonConfig.Backup(
                        true, "0 0 3 * * ?", "", 2, 0, 0, "auto", Duration.ofSeconds(30), "redis-check-rdb"),
                backupDir);
        backups.backupNow();
        try (Subscription s = bus.consume(
                List.of("job.d"),
                "workers",
                "w1",
                e -> {
                    throw new IllegalStateException("boom in the handler");
                },
                ConsumeOptions.builder()
                        .block(Duration.ofMillis(100))
                        .reclaimIdle(Duration.ofMillis(200))
                        .reclaimEvery(Duration.ofMillis(100))
                        .maxDeliveries(2)
                        .build())) {
            bus.publish("job.d", "test", Map.of("i", 1));
            Await.until("a dead letter", () -> bus.deadLetters("job.d", 10).size() == 1);
        }
        TaskProducer task = store.tasks().producer("gen-1", Duration.ofHours(1));
        task.append("hello\n");
        task.append("world\n");
        task.done("fine");
        pages = new PageServer(RouteTable.of(
                new EventBusRoutes(bus, admin),
                new TaskRoutes(admin, prefix),
                new DaemonRoutes(admin, prefix, scheduler, backups)));
    }

    @AfterAll
    static void tearDown() throws Exception {
        if (pages != null) {
            pages.close();
            scheduler.shutdown();
            admin.close();
            try (var files = Files.list(backupDir)) {
                for (Path f : files.toList()) {
                    Files.delete(f);
                }
            }
            Files.delete(backupDir);
        }
    }

    private static String render(String page, Access role) throws Exception {
        String why = "browser tests skipped: no chromium on PATH (Debian: apt-get install chromium)";
        if (HeadlessChromium.binary() == null) {
            System.out.println("[SKIP] OpsPagesBrowserTest: " + why);
        }
        Assumptions.assumeTrue(HeadlessChromium.binary() != null, why);
        pages.as(role);
        return HeadlessChromium.dom(pages.url(page));
    }

    @Test
    void eventsPageShowsStreamsGroupsAndDeadLettersWithRedriveForAWriter() throws Exception {
        String dom = render("events.html", Access.WRITER);
        assertTrue(dom.contains("data-stream=\"ss:{ev}:t:job.d\""), dom);
        assertTrue(dom.contains("data-stream=\"ss:{ev}:dlq:job.d\""), dom);
        assertTrue(dom.contains("data-group=\"workers\""), dom);
        assertTrue(dom.contains("data-dead=\""), dom);
        assertTrue(
                dom.contains("java.lang.IllegalStateException: boom in the handler"),
                "the dead letter's error: " + dom);
        assertTrue(dom.contains("<option value=\"job.d\">"), "the type filter offers the type: " + dom);
        assertTrue(dom.contains("class=\"redrive\""), "a writer may redrive: " + dom);
    }

    @Test
    void aReaderSeesNoRedriveVerifyOrBackupButton() throws Exception {
        String events = render("events.html", Access.READER);
        assertTrue(events.contains("data-dead=\""), events);
        assertFalse(events.contains("class=\"redrive\""), events);
        String daemon = render("daemon.html", Access.READER);
        assertTrue(daemon.contains("data-backup=\"statestore-"), "readers see the list: " + daemon);
        assertFalse(daemon.contains("class=\"verify\""), daemon);
        assertFalse(daemon.contains("id=\"backup-now\""), daemon);
    }

    @Test
    void tasksPageListsTheTaskAndTailsItToItsEnd() throws Exception {
        String dom = render("tasks.html#gen-1", Access.READER);
        assertTrue(dom.contains("data-task=\"gen-1\" data-state=\"done\""), dom);
        assertTrue(dom.contains("<pre id=\"tail-output\">hello\nworld\n<span"), "the whole output, in order: " + dom);
        assertTrue(dom.contains("data-end=\"done\""), dom);
    }

    @Test
    void daemonPageShowsTheServerJobsAndBackupsWithTheAdminsButtons() throws Exception {
        String dom = render("daemon.html", Access.ADMIN);
        assertTrue(dom.contains("(standalone)"), dom);
        assertTrue(dom.contains("data-daemon=\"d-page\""), dom);
        assertTrue(dom.contains("data-job=\"sweep\" data-result=\"ok\""), dom);
        assertTrue(dom.contains("removed=4"), dom);
        assertTrue(dom.contains("<td>0 0 3 * * ?</td>"), dom);
        assertTrue(dom.contains("class=\"verify\""), dom);
        assertTrue(dom.contains("id=\"backup-now\""), dom);
    }
}
