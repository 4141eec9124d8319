package io.statestore.daemon;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.statestore.cli.DaemonCommand;
import io.statestore.daemon.config.ConfigException;
import io.statestore.daemon.config.ConfigLoader;
import io.statestore.daemon.config.DaemonConfig;
import io.statestore.daemon.config.EnvOverrides;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class ConfigLoadingTest {
    @TempDir
    Path dir;

    @Test
    void durationsAreWrittenAsOnTheCommandLine() throws Exception {
        DaemonConfig.Daemon d = TestSupport.load(
                        dir, "daemon:\n  leaseTtl: 1h30m\n  shutdownTimeout: PT45S\n  heartbeatInterval: 2s500ms\n")
                .daemon();
        assertEquals(Duration.ofMinutes(90), d.leaseTtl());
        assertEquals(Duration.ofSeconds(45), d.shutdownTimeout());
        assertEquals(Duration.ofMillis(2500), d.heartbeatInterval());
        assertEquals(
                Duration.ofDays(14),
                TestSupport.load(dir, "acl:\n  rotationGrace: 2w\n").acl().rotationGrace());
        ConfigException e =
                assertThrows(ConfigException.class, () -> TestSupport.load(dir, "daemon:\n  leaseTtl: 90\n"));
        assertTrue(
                e.getMessage().contains("key 'daemon.leaseTtl'")
                        && e.getMessage().contains("missing unit after 90"),
                e.getMessage());
    }

    @Test
    void badConfigExitsOneNamingKeyAndFile() throws Exception {
        Path f = TestSupport.writeConfig(dir, "backup:\n  keep: 0\nsweep:\n  schedule: \"not cron\"\n");
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = new CommandLine(
                        new DaemonCommand(Map.of(), new PrintStream(err, true, StandardCharsets.UTF_8), false))
                .execute("--config", f.toString());
        String msg = err.toString(StandardCharsets.UTF_8);
        assertEquals(1, code, msg);
        assertTrue(
                msg.contains("key 'backup.keep'") && msg.contains("key 'sweep.schedule'") && msg.contains(f.toString()),
                msg);
        assertEquals(1, msg.strip().lines().count(), "one line on stderr: " + msg);
    }

    @Test
    void unknownAndMistypedKeysAreNamed() throws Exception {
        ConfigException e = assertThrows(
                ConfigException.class, () -> TestSupport.load(dir, "embeded:\n  port: 1\ndaemon:\n  leaseTtl: soon\n"));
        assertTrue(e.getMessage().contains("key 'embeded': unknown setting"), e.getMessage());
        ConfigException e2 =
                assertThrows(ConfigException.class, () -> TestSupport.load(dir, "daemon:\n  leaseTtl: soon\n"));
        assertTrue(
                e2.getMessage().contains("key 'daemon.leaseTtl'")
                        && e2.getMessage().contains("invalid duration"),
                e2.getMessage());
    }

    @Test
    void environmentOverridesFollowOneRule() throws Exception {
        assertEquals("STATESTORE_BACKUP__KEEP_DAILY", EnvOverrides.variableFor("backup.keepDaily"));
        assertEquals("STATESTORE_SWEEP__POLICIES__0__MAX_AGE", EnvOverrides.variableFor("sweep.policies[0].maxAge"));
        DaemonConfig c = new ConfigLoader()
                .load(
                        TestSupport.writeConfig(dir, "backup:\n  keep: 3\n"),
                        Map.of(
                                "STATESTORE_BACKUP__KEEP",
                                "9",
                                "STATESTORE_DATA_DIR",
                                dir.toString(),
                                "STATESTORE_SWEEP__POLICIES__0__PATTERN",
                                "log:*",
                                "STATESTORE_SWEEP__POLICIES__0__MAX_AGE",
                                "90d"));
        assertEquals(9, c.backup().keep());
        assertEquals(dir.toString(), c.dataDir());
        assertEquals(Duration.ofDays(90), c.sweep().policies().get(0).maxAge());
        ConfigException e = assertThrows(
                ConfigException.class, () -> new ConfigLoader().load(null, Map.of("STATESTORE_BACKUP__KEEP", "-1")));
        assertTrue(e.getMessage().contains("key 'backup.keep' (from STATESTORE_BACKUP__KEEP)"), e.getMessage());
    }

    /** Roles were refused on a cluster until the daemon made them on every node (ClusterAclRolesTest). */
    @Test
    void aClusterUrlKeepsTheRolesOnByDefault() {
        DaemonConfig c = new ConfigLoader()
                .load(null, Map.of("HOME", "/h", "STATESTORE_REDIS__URL", "redis-cluster://n1:7000,n2:7001"));
        assertEquals("redis-cluster://n1:7000,n2:7001", c.redis().url());
        assertTrue(c.acl().enabled());
    }

    @Test
    void aSentinelPasswordFileNeedsASentinelUrl() {
        ConfigException e = assertThrows(
                ConfigException.class,
                () -> new ConfigLoader()
                        .load(
                                null,
                                Map.of("HOME", "/h", "STATESTORE_REDIS__SENTINEL_PASSWORD_FILE", "/run/sentinel-pw")));
        assertTrue(
                e.getMessage()
                        .contains(
                                "key 'redis.sentinelPasswordFile' (from STATESTORE_REDIS__SENTINEL_PASSWORD_FILE): goes with a redis-sentinel:// redis.url"),
                e.getMessage());
        DaemonConfig c = new ConfigLoader()
                .load(
                        null,
                        Map.of(
                                "HOME",
                                "/h",
                                "STATESTORE_REDIS__URL",
                                "redis-sentinel://s1:26379,s2:26379?master=m",
                                "STATESTORE_REDIS__SENTINEL_PASSWORD_FILE",
                                "/run/sentinel-pw"));
        assertEquals(
                java.util.Optional.of(Path.of("/run/sentinel-pw")),
                c.redisOptions().build().sentinelPasswordFile());
    }

    @Test
    void theClisOwnVariablesAreNotTakenForSettings() {
        // documented for the CLI (docs/cli.md); `statestore daemon` and `status` load this config too
        DaemonConfig c = new ConfigLoader()
                .load(
                        null,
                        Map.of(
                                "HOME",
                                "/h",
                                "STATESTORE_REDIS_URL",
                                "redis://elsewhere:6379",
                                "STATESTORE_WRITER",
                                "me",
                                "STATESTORE_PASSWORD_FILE",
                                "/run/pw"));
        assertEquals(
                new ConfigLoader().load(null, Map.of("HOME", "/h")).redis(),
                c.redis(),
                "the daemon's Redis is STATESTORE_REDIS__URL");
        ConfigException e = assertThrows(
                ConfigException.class,
                () -> new ConfigLoader().load(null, Map.of("HOME", "/h", "STATESTORE_REDIS_URLS", "x")));
        assertTrue(e.getMessage().contains("unknown setting"), e.getMessage());
    }

    @Test
    void exampleConfigLoadsAndMatchesTheDefaults() {
        DaemonConfig example = new ConfigLoader().load(Path.of("config/statestore.yaml"), Map.of("HOME", "/h"));
        DaemonConfig defaults = new ConfigLoader().load(null, Map.of("HOME", "/h"));
        assertEquals(defaults.backup(), example.backup());
        assertEquals(defaults.embedded(), example.embedded());
        assertEquals(defaults.trim(), example.trim());
    }
}
