package io.statestore.daemon.web.ops;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.statestore.client.StateStore;
import io.statestore.daemon.backup.BackupService;
import io.statestore.daemon.config.DaemonConfig;
import io.statestore.daemon.redis.RedisAdmin;
import io.statestore.daemon.web.WebError;
import io.statestore.daemon.web.daemon.DaemonRoutes;
import io.statestore.daemon.web.events.EventBusRoutes;
import io.statestore.daemon.web.tasks.TaskRoutes;
import io.statestore.testing.RedisServerExtension;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Properties;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.quartz.Scheduler;
import org.quartz.impl.StdSchedulerFactory;

/** With Redis stopped, every reading endpoint answers 503 with a message, not a 500 with a stack trace. */
class RedisAwayTest {
    @RegisterExtension
    static RedisServerExtension redis = RedisServerExtension.portable();

    @TempDir
    Path tmp;

    @Test
    void endpointsAnswer503WhileRedisIsAwayAndWorkAgainAfter() throws Exception {
        StateStore store = redis.newStore(b -> b.timeout(Duration.ofMillis(500)));
        Properties p = new Properties();
        p.setProperty("org.quartz.scheduler.instanceName", "away-" + UUID.randomUUID());
        p.setProperty("org.quartz.threadPool.threadCount", "1");
        p.setProperty("org.quartz.jobStore.class", "org.quartz.simpl.RAMJobStore");
        Scheduler scheduler = new StdSchedulerFactory(p).getScheduler();
        try (RedisAdmin admin = new RedisAdmin(store.options())) {
            BackupService backups = new BackupService(
                    admin,
                    new DaemonConfig.Backup(
                            true, "0 0 3 * * ?", "", 2, 0, 0, "auto", Duration.ofSeconds(30), "redis-check-rdb"),
                    tmp);
            RouteTable api = RouteTable.of(
                    new EventBusRoutes(store.events(), admin),
                    new TaskRoutes(admin, "ss:"),
                    new DaemonRoutes(admin, "ss:", scheduler, backups));
            store.events().publish("job.a", "t", java.util.Map.of("i", 1));
            redis.stop();
            try {
                for (String route : new String[] {
                    "GET /events/streams", "GET /events/groups", "GET /events/dead", "GET /tasks", "GET /daemon"
                }) {
                    WebError e = assertThrows(WebError.class, () -> api.call(route, TestRequest.get()), route);
                    System.out.println(route + " -> " + e.status() + " " + e.getMessage());
                    assertEquals(503, e.status(), route + ": " + e.getMessage());
                    assertTrue(
                            e.getMessage().contains(String.valueOf(redis.port()))
                                    || e.getMessage().contains("Redis"),
                            route + ": " + e.getMessage());
                }
            } finally {
                redis.start();
            }
            // the test server keeps nothing across a restart: the endpoints answer again, on an empty bus
            assertTrue(api.call("GET /events/streams", TestRequest.get()).isArray());
            assertEquals(
                    "standalone",
                    api.call("GET /daemon", TestRequest.get())
                            .get("server")
                            .get("topology")
                            .asText());
        } finally {
            scheduler.shutdown();
        }
    }
}
