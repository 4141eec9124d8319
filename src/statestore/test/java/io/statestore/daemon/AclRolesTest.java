package io.statestore.daemon;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.statestore.client.PermissionDeniedException;
import io.statestore.client.Role;
import io.statestore.client.StateStore;
import io.statestore.client.StateStoreOptions;
import io.statestore.client.WatchOptions;
import io.statestore.client.Watcher;
import io.statestore.client.events.ConsumeOptions;
import io.statestore.client.events.Subscription;
import io.statestore.client.events.TaskProducer;
import io.statestore.daemon.acl.AclRules;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.exceptions.JedisDataException;

/**
 * Issue 15 against a daemon on the embedded default: no access without a credential, and each
 * role allowed exactly its command classes, with nothing changed by a refused call.
 */
class AclRolesTest {
    @TempDir
    static Path dir;

    static Path data;
    static int port;
    static Daemon daemon;

    @BeforeAll
    static void start() throws Exception {
        port = TestSupport.freePort();
        data = dir.resolve("data");
        daemon = new Daemon(TestSupport.load(dir, """
                dataDir: %s
                embedded:
                  port: %d
                """.formatted(data, port)));
        daemon.start();
        try (StateStore admin =
                StateStore.connect(TestSupport.as(data, port, Role.ADMIN).build())) {
            admin.put("doc:one", Map.of("n", 1));
            admin.put("quantum:one", Map.of("n", 1));
        }
    }

    @AfterAll
    static void stop() {
        daemon.stop();
    }

    @Test
    void withoutACredentialNothingIsReachable() {
        try (Jedis anonymous = new Jedis("127.0.0.1", port)) {
            for (String[] cmd : List.of(
                    new String[] {"GET", "doc:one"},
                    new String[] {"FLUSHALL"},
                    new String[] {"CONFIG", "SET", "appendonly", "no"},
                    new String[] {"SHUTDOWN", "NOSAVE"},
                    new String[] {"FUNCTION", "DELETE", "statestore"},
                    new String[] {"SET", "doc:one", "not json"})) {
                JedisDataException e = assertThrows(JedisDataException.class, () -> send(anonymous, cmd));
                assertTrue(e.getMessage().startsWith("NOAUTH"), Arrays.toString(cmd) + ": " + e.getMessage());
            }
            assertThrows(
                    JedisDataException.class, () -> anonymous.auth("default", "anything"), "the default user is off");
        }
        try (StateStore admin =
                StateStore.connect(TestSupport.as(data, port, Role.ADMIN).build())) {
            assertEquals(1, admin.get("doc:one").orElseThrow().value().get("n").asInt(), "nothing was changed");
        }
        PermissionDeniedException e = assertThrows(
                PermissionDeniedException.class,
                () -> StateStore.connect(StateStoreOptions.builder()
                                .uri("redis://127.0.0.1:" + port)
                                .build())
                        .get("doc:one"));
        assertTrue(
                e.getMessage().contains("requires a credential")
                        && e.getMessage().contains("--user ROLE --password-file"),
                e.getMessage());
    }

    @Test
    void redisCliWithoutACredentialGetsNoauthAndWithTheReadersFromItsFileReadsButCannotWrite() throws Exception {
        assertTrue(redisCli(null, "GET", "doc:one").startsWith("NOAUTH"));
        assertTrue(redisCli(null, "FLUSHALL").startsWith("NOAUTH"));
        String reader =
                Files.readString(data.resolve("secrets/reader.password")).strip();
        assertTrue(redisCli(reader, "GET", "doc:one").contains("\"n\":1"));
        assertTrue(redisCli(reader, "SET", "doc:one", "not json").startsWith("NOPERM"));
        try (Jedis admin = TestSupport.jedisAs(data, port, Role.ADMIN)) {
            assertTrue(admin.get("doc:one").contains("\"n\":1"), "unchanged");
        }
    }

    /** redis-cli as the reader when a password is given (REDISCLI_AUTH: not on its command line), else anonymous. */
    private static String redisCli(String readerPassword, String... command) throws Exception {
        List<String> cmd = new ArrayList<>(List.of("redis-cli", "-p", Integer.toString(port)));
        if (readerPassword != null) {
            cmd.addAll(List.of("--user", "reader"));
        }
        cmd.addAll(List.of(command));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
        pb.environment().remove("REDISCLI_AUTH");
        if (readerPassword != null) {
            pb.environment().put("REDISCLI_AUTH", readerPassword);
        }
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8).strip();
        p.waitFor();
        return out;
    }

    @Test
    void theReaderReadsAndCannotWriteAndIsToldWhichCredentialWould() {
        try (Jedis reader = TestSupport.jedisAs(data, port, Role.READER)) {
            assertNotNull(reader.get("doc:one"));
            assertTrue(assertThrows(JedisDataException.class, () -> reader.set("doc:one", "x"))
                    .getMessage()
                    .startsWith("NOPERM"));
        }
        try (StateStore reader =
                StateStore.connect(TestSupport.as(data, port, Role.READER).build())) {
            assertEquals(1, reader.get("doc:one").orElseThrow().value().get("n").asInt());
            PermissionDeniedException e =
                    assertThrows(PermissionDeniedException.class, () -> reader.merge("doc:one", Map.of("n", 2)));
            assertEquals(
                    "the reader role cannot write documents (ss_write); use a writer credential (docs/security.md)",
                    e.getMessage());
            assertEquals(1, reader.get("doc:one").orElseThrow().value().get("n").asInt());
        }
    }

    /** One command class: a raw command, the keys it would change, and the roles allowed to run it. */
    private record Row(String what, String[] command, List<String> keys, Set<Role> allowed, boolean runAsAdmin) {
        static Row of(String what, Set<Role> allowed, boolean runAsAdmin, List<String> keys, String... command) {
            return new Row(what, command, keys, allowed, runAsAdmin);
        }
    }

    @Test
    void eachRoleIsAllowedExactlyItsCommandClassesAndARefusedCallChangesNothing() throws Exception {
        Set<Role> all = EnumSet.allOf(Role.class);
        Set<Role> writers = EnumSet.of(Role.ADMIN, Role.WRITER);
        Set<Role> admin = EnumSet.of(Role.ADMIN);
        String evil = "#!lua name=statestore\nredis.register_function('ss_version', function() return 99 end)";
        List<Row> rows = List.of(
                Row.of("read a document", all, true, List.of(), "GET", "doc:one"),
                Row.of(
                        "read through a function",
                        all,
                        true,
                        List.of(),
                        "FCALL_RO",
                        "ss_get",
                        "2",
                        "doc:one",
                        "ss:m:{doc:one}"),
                Row.of("read the feed", all, true, List.of(), "XRANGE", "ss:feed", "-", "+"),
                // Redis checks a function's commands against the caller's ACL, so the writer's
                // functions need SET on documents and the writer can send it raw too (docs/security.md)
                Row.of("raw write to a document", writers, false, List.of("doc:raw"), "SET", "doc:raw", "{}"),
                Row.of(
                        "raw write to the store settings",
                        admin,
                        false,
                        List.of("ss:config"),
                        "HSET",
                        "ss:config",
                        "jsoncheck",
                        "off"),
                Row.of(
                        "store settings through the function",
                        admin,
                        false,
                        List.of("ss:config"),
                        "FCALL",
                        "ss_config_set",
                        "1",
                        "ss:config",
                        "jsoncheck",
                        "off"),
                Row.of(
                        "raw write to the daemon's leases",
                        admin,
                        false,
                        List.of("ss:lease:sweep"),
                        "SET",
                        "ss:lease:sweep",
                        "x"),
                Row.of(
                        "raw write to the bus limits",
                        admin,
                        false,
                        List.of("ss:{ev}:config"),
                        "HSET",
                        "ss:{ev}:config",
                        "maxlen",
                        "1"),
                Row.of("FUNCTION LOAD", admin, false, List.of(), "FUNCTION", "LOAD", "REPLACE", evil),
                Row.of("FUNCTION DELETE", admin, false, List.of(), "FUNCTION", "DELETE", "statestore"),
                Row.of("FUNCTION FLUSH", admin, false, List.of(), "FUNCTION", "FLUSH"),
                Row.of("CONFIG SET", admin, false, List.of(), "CONFIG", "SET", "appendonly", "no"),
                Row.of("CONFIG GET", admin, true, List.of(), "CONFIG", "GET", "appendonly"),
                Row.of("SHUTDOWN", admin, false, List.of(), "SHUTDOWN", "NOSAVE"),
                Row.of("FLUSHALL", admin, false, List.of("doc:one"), "FLUSHALL"),
                Row.of("FLUSHDB", admin, false, List.of("doc:one"), "FLUSHDB"),
                Row.of("SLOWLOG RESET", admin, true, List.of(), "SLOWLOG", "RESET"),
                Row.of("SWAPDB", admin, false, List.of("doc:one"), "SWAPDB", "0", "1"),
                Row.of("MIGRATE", admin, false, List.of("doc:one"), "MIGRATE", "127.0.0.1", "1", "doc:one", "0", "10"),
                Row.of(
                        "ACL SETUSER",
                        admin,
                        false,
                        List.of(),
                        "ACL",
                        "SETUSER",
                        "intruder",
                        "on",
                        ">pw",
                        "+@all",
                        "~*"),
                Row.of("MODULE LIST", admin, true, List.of(), "MODULE", "LIST"),
                Row.of("REPLICAOF", admin, false, List.of(), "REPLICAOF", "127.0.0.1", "1"),
                Row.of("SAVE", admin, true, List.of(), "SAVE"),
                Row.of("BGREWRITEAOF", admin, false, List.of(), "BGREWRITEAOF"),
                Row.of("CLIENT KILL", admin, true, List.of(), "CLIENT", "KILL", "ID", "999999999"),
                Row.of(
                        "EVAL of any script",
                        admin,
                        false,
                        List.of("doc:one"),
                        "EVAL",
                        "return redis.call('DEL', KEYS[1])",
                        "1",
                        "doc:one"),
                Row.of("KEYS", admin, true, List.of(), "KEYS", "nothing-matches-*"));
        List<String> failures = new ArrayList<>();
        for (Role role : Role.values()) {
            try (Jedis j = TestSupport.jedisAs(data, port, role);
                    Jedis inspect = TestSupport.jedisAs(data, port, Role.ADMIN)) {
                for (Row row : rows) {
                    boolean allowed = row.allowed().contains(role);
                    if (allowed && role == Role.ADMIN && !row.runAsAdmin()) {
                        continue; // allowed, and too destructive to prove on the shared server
                    }
                    Map<String, byte[]> before = dumps(inspect, row.keys());
                    String feedBefore = feedState(inspect);
                    String outcome;
                    try {
                        send(j, row.command());
                        outcome = "allowed";
                    } catch (JedisDataException e) {
                        outcome = e.getMessage().contains("NOPERM")
                                        || e.getMessage().contains("can't run this command")
                                ? "refused"
                                : "error " + e.getMessage();
                    }
                    if (!outcome.equals(allowed ? "allowed" : "refused")) {
                        failures.add(role.userName() + " / " + row.what() + ": " + outcome);
                    }
                    if (!allowed
                            && (!sameDumps(before, dumps(inspect, row.keys()))
                                    || !feedBefore.equals(feedState(inspect)))) {
                        failures.add(
                                role.userName() + " / " + row.what() + ": refused but the keys or the feed changed");
                    }
                    if (allowed && role == Role.WRITER && !row.keys().isEmpty()) {
                        inspect.del(row.keys().toArray(new String[0]));
                    }
                }
            }
        }
        assertEquals(List.of(), failures);
    }

    @Test
    void aWriterLimitedToAPrefixWritesThereAndNowhereElse() throws Exception {
        Path pw = dir.resolve("quantum.password");
        Files.writeString(pw, "quantum-test-password\n");
        try (Jedis admin = TestSupport.jedisAs(data, port, Role.ADMIN)) {
            List<String> rules = new ArrayList<>(AclRules.rules(Role.WRITER, "ss:", List.of("quantum:*"), false));
            rules.add(">quantum-test-password");
            admin.aclSetUser("quantum", rules.toArray(new String[0]));
        }
        StateStoreOptions options = StateStoreOptions.builder()
                .uri("redis://127.0.0.1:" + port)
                .user("quantum")
                .passwordFile(pw)
                .build();
        try (StateStore quantum = StateStore.connect(options);
                Jedis inspect = TestSupport.jedisAs(data, port, Role.ADMIN)) {
            quantum.put("quantum:a", Map.of("n", 1));
            quantum.merge("quantum:a", Map.of("m", 2));
            quantum.increment("quantum:a", "$.n", 5);
            quantum.put("quantum:{tag}b", Map.of("n", 1));
            quantum.history().list("quantum:a"); // allowed: its history keys follow the prefix
            quantum.delete("quantum:{tag}b");
            Map<String, byte[]> before = dumps(inspect, List.of("doc:one", "ss:m:{doc:one}"));
            String feed = feedState(inspect);
            PermissionDeniedException e =
                    assertThrows(PermissionDeniedException.class, () -> quantum.put("doc:one", Map.of("n", 9)));
            assertTrue(e.getMessage().contains("outside those the role was given"), e.getMessage());
            assertThrows(PermissionDeniedException.class, () -> quantum.get("doc:one"));
            assertTrue(sameDumps(before, dumps(inspect, List.of("doc:one", "ss:m:{doc:one}"))));
            assertEquals(feed, feedState(inspect));
        }
    }

    @Test
    void everyOperationOfTheWriterAndTheReaderIsAllowedWholeAndTheAclLogStaysEmpty() throws Exception {
        try (Jedis admin = TestSupport.jedisAs(data, port, Role.ADMIN)) {
            admin.aclLogReset();
        }
        List<String> seen = new CopyOnWriteArrayList<>();
        try (StateStore writer = StateStore.connect(
                        TestSupport.as(data, port, Role.WRITER).build());
                StateStore reader = StateStore.connect(
                        TestSupport.as(data, port, Role.READER).build());
                Watcher watcher = reader.watch()
                        .watch(WatchOptions.builder().prefix("ops:").build(), e -> seen.add(e.key()))) {
            writer.put("ops:a", Map.of("n", 1, "list", List.of()));
            writer.merge("ops:a", Map.of("m", 1));
            writer.set("ops:a", "$.s", "text");
            writer.increment("ops:a", "$.n", 2);
            writer.append("ops:a", "$.list", 1, 10);
            writer.remove("ops:a", "$.s");
            writer.put("ops:{t}b", Map.of("n", 1));
            writer.expire("ops:{t}b", Duration.ofMinutes(5));
            writer.persist("ops:{t}b");
            writer.transaction(List.of("ops:{tx}c", "ops:{tx}d"), (current, tx) -> {
                tx.put("ops:{tx}c", Map.of("n", 1));
                tx.put("ops:{tx}d", Map.of("n", 2));
            });
            writer.delete("ops:{tx}d");
            assertEquals(3, reader.get("ops:a").orElseThrow().value().get("n").asInt());
            assertEquals(2, reader.getAll(List.of("ops:a", "ops:{tx}c")).size());
            assertTrue(reader.list("ops:").contains("ops:{tx}c"));
            reader.history().list("ops:a");
            List<String> consumed = new CopyOnWriteArrayList<>();
            writer.events().createGroup("ops.happened", "g1", "0");
            try (Subscription s = writer.events()
                    .consume(
                            List.of("ops.happened"),
                            "g1",
                            "c1",
                            ev -> consumed.add(ev.id()),
                            ConsumeOptions.builder()
                                    .block(Duration.ofMillis(100))
                                    .build())) {
                assertNotNull(writer.events().publish("ops.happened", "test", Map.of("k", 1)));
                TestSupport.await(Duration.ofSeconds(10), "consumed", () -> !consumed.isEmpty());
            }
            assertFalse(reader.events()
                    .read("ops.happened", io.statestore.client.events.ReplayRange.all(), 10)
                    .isEmpty());
            TaskProducer task = writer.tasks().producer("ops-task", Duration.ofMinutes(5));
            task.append("chunk one");
            task.done("finished");
            List<String> chunks = new CopyOnWriteArrayList<>();
            reader.tasks().follow("ops-task", c -> chunks.add(c.text()), Duration.ofSeconds(5));
            assertEquals(List.of("chunk one"), chunks);
            TestSupport.await(
                    Duration.ofSeconds(10), "the reader's watch saw the changes", () -> seen.contains("ops:{tx}d"));
        }
        try (Jedis admin = TestSupport.jedisAs(data, port, Role.ADMIN)) {
            List<String> denied = new ArrayList<>();
            admin.aclLog()
                    .forEach(entry ->
                            denied.add(entry.getUsername() + " " + entry.getObject() + " " + entry.getReason()));
            denied.removeIf(line -> line.startsWith("default") || line.startsWith("quantum")); // other tests' refusals
            assertEquals(List.of(), denied, "no command of a writer's or reader's operation was refused");
        }
    }

    @Test
    void secretsAreOwnerOnlyAndRedisKeepsOnlyTheirHashes() throws Exception {
        for (String f : List.of(
                "secrets/admin.password",
                "secrets/writer.password",
                "secrets/reader.password",
                "connection.json",
                "redis/users.acl")) {
            assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(data.resolve(f))), f);
        }
        assertEquals(
                "rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(data.resolve("secrets"))));
        String acl = Files.readString(data.resolve("redis/users.acl"));
        try (Jedis admin = TestSupport.jedisAs(data, port, Role.ADMIN)) {
            String list = String.join("\n", admin.aclList());
            for (Role r : Role.values()) {
                String password = Files.readString(data.resolve("secrets/" + r.userName() + ".password"))
                        .strip();
                assertEquals(64, password.length(), "256 random bits, hex");
                assertFalse(acl.contains(password), "the ACL file holds hashes only");
                assertFalse(list.contains(password), "ACL LIST shows hashes only");
            }
        }
        String connection = Files.readString(data.resolve("connection.json"));
        assertTrue(connection.contains("\"url\" : \"redis://127.0.0.1:" + port + "\""), connection);
        assertTrue(connection.contains(data.resolve("secrets/writer.password").toString()), connection);
    }

    @Test
    void aclPrintGivesTheSetuserLinesWithHashesOnlyAndTheyAreTheRulesTheServerHas() throws Exception {
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        java.io.ByteArrayOutputStream err = new java.io.ByteArrayOutputStream();
        int code = new picocli.CommandLine(new io.statestore.cli.AclCommand(
                        Map.of("HOME", dir.toString()),
                        new java.io.PrintStream(out, true, java.nio.charset.StandardCharsets.UTF_8),
                        new java.io.PrintStream(err, true, java.nio.charset.StandardCharsets.UTF_8)))
                .execute("--config", dir.resolve("statestore.yaml").toString(), "print");
        assertEquals(0, code, err.toString(java.nio.charset.StandardCharsets.UTF_8));
        List<String> lines =
                out.toString(java.nio.charset.StandardCharsets.UTF_8).lines().toList();
        assertEquals(3, lines.size(), lines.toString());
        try (Jedis admin = TestSupport.jedisAs(data, port, Role.ADMIN)) {
            for (Role r : Role.values()) {
                String password = Files.readString(data.resolve("secrets/" + r.userName() + ".password"))
                        .strip();
                String line = lines.stream()
                        .filter(l -> l.startsWith("ACL SETUSER " + r.userName() + " "))
                        .findFirst()
                        .orElseThrow();
                assertFalse(line.contains(password), "hashes only");
                assertTrue(line.contains("#" + io.statestore.daemon.acl.Secrets.hash(password)), line);
                if (r != Role.ADMIN) {
                    // applied to a scratch user, the printed rules give what the daemon gave the role
                    String[] rules = line.substring(("ACL SETUSER " + r.userName() + " ").length())
                            .split(" ");
                    admin.aclSetUser("printed-" + r.userName(), rules);
                    assertEquals(
                            admin.aclGetUser(r.userName()).getKeys(),
                            admin.aclGetUser("printed-" + r.userName()).getKeys());
                    assertEquals(
                            admin.aclGetUser(r.userName()).getCommands(),
                            admin.aclGetUser("printed-" + r.userName()).getCommands());
                    admin.aclDelUser("printed-" + r.userName());
                }
            }
        }
    }

    static void send(Jedis j, String... cmd) {
        byte[] name = cmd[0].getBytes(java.nio.charset.StandardCharsets.UTF_8);
        j.sendCommand(() -> name, Arrays.copyOfRange(cmd, 1, cmd.length));
    }

    static Map<String, byte[]> dumps(Jedis j, List<String> keys) {
        Map<String, byte[]> m = new HashMap<>();
        for (String k : keys) {
            m.put(k, j.dump(k));
        }
        return m;
    }

    static boolean sameDumps(Map<String, byte[]> a, Map<String, byte[]> b) {
        for (String k : a.keySet()) {
            if (!Arrays.equals(a.get(k), b.get(k))) {
                return false;
            }
        }
        return true;
    }

    static String feedState(Jedis j) {
        return j.exists("ss:feed")
                ? j.xlen("ss:feed") + " " + j.xinfoStream("ss:feed").getLastGeneratedId()
                : "none";
    }
}
