package io.statestore.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.statestore.client.StrictJson;
import io.statestore.testing.RedisServerExtension;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 17: errors in our words (what the user gave, what was expected, no library wording) and
 * exit codes a script can tell apart (3 not found, 4 conflict, 5 unavailable, 2 usage).
 */
class CliErrorWordsTest {
    @RegisterExtension
    static RedisServerExtension redis = RedisServerExtension.portable();

    @TempDir
    Path dir;

    private CliRunner cli() {
        return new CliRunner(redis.uri(), dir);
    }

    private static int freePort() throws IOException {
        try (java.net.ServerSocket s = new java.net.ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    @Test
    void aWordThatIsNoJsonValueNamesItAndThePosition() {
        redis.newStore().put("t:w", StrictJson.parse("{}"));
        OurWords.assertOurWords(
                cli().run("merge", "t:w", "hello"),
                1,
                "invalid JSON in PATCH argument",
                "'hello' is not a JSON value",
                "(expected an object, array, string, number, true, false or null)",
                "line 1, column 1");
    }

    @Test
    void moreTextAfterTheValueNamesThePosition() {
        redis.newStore().put("t:t", StrictJson.parse("{}"));
        OurWords.assertOurWords(
                cli().run("merge", "t:t", "{\"a\":1}{}"),
                1,
                "invalid JSON in PATCH argument",
                "content after the value",
                "line 1, column 8");
    }

    @Test
    void anUnclosedArrayNamesWhereItOpened() {
        redis.newStore().put("t:a", StrictJson.parse("{}"));
        OurWords.assertOurWords(
                cli().run("merge", "t:a", "[1,2"),
                1,
                "invalid JSON in PATCH argument",
                "the input ends before the value is complete",
                "the array opened at line 1, column 1 is not closed");
    }

    @Test
    void anUnclosedObjectInAFileNamesTheFileAndWhereItOpened() throws IOException {
        Files.writeString(dir.resolve("open.json"), "[1,\n  {\"a\":1\n");
        OurWords.assertOurWords(
                cli().run("put", "t:o", "open.json"),
                1,
                "invalid JSON in file open.json",
                "the object opened at line 2, column 3 is not closed");
    }

    @Test
    void bytesThatAreNotUtf8NameTheFileAndTheOffset() throws IOException {
        Files.write(dir.resolve("latin1.json"), new byte[] {'{', '"', 'a', '"', ':', '"', (byte) 0xff, '"', '}'});
        OurWords.assertOurWords(
                cli().run("put", "t:u", "latin1.json"),
                1,
                "invalid JSON in file latin1.json",
                "not valid UTF-8 at byte offset 6");
    }

    @Test
    void anUnknownHostNamesTheUrlTheHostAndWhatToTry() {
        CliRunner.Result r = cli().runRaw(new byte[0], "--redis", "redis://nohost.invalid:6379", "get", "t:x");
        OurWords.assertOurWords(
                r,
                5,
                "cannot reach Redis at redis://nohost.invalid:6379",
                "unknown host \"nohost.invalid\"",
                "statestore daemon",
                "systemctl status statestore");
    }

    @Test
    void aRefusedConnectionSaysNothingListensThere() throws IOException {
        int port = freePort();
        CliRunner.Result r = cli().runRaw(new byte[0], "--redis", "redis://127.0.0.1:" + port, "get", "t:x");
        OurWords.assertOurWords(
                r,
                5,
                "cannot reach Redis at redis://127.0.0.1:" + port,
                "nothing listens on 127.0.0.1:" + port,
                "statestore daemon");
    }

    @Test
    void aMissingBackupFileIsNoSuchFile() {
        Path missing = dir.resolve("x.rdb");
        CliRunner.Result r = cli().runRaw(new byte[0], "backup", "verify", missing.toString());
        OurWords.assertOurWords(r, 1, "cannot read " + missing + ": no such file");
        assertFalse(r.err().contains("(No such file or directory)"), r.toString());
    }

    @Test
    void exportFailureHasThePrefixAndTheUnavailableCode() throws IOException {
        int port = freePort();
        CliRunner.Result r = cli().runRaw(
                        new byte[0],
                        "--redis",
                        "redis://127.0.0.1:" + port,
                        "export",
                        "--to",
                        dir.resolve("out").toString());
        OurWords.assertOurWords(r, 5, "statestore: export failed: cannot reach Redis at redis://127.0.0.1:" + port);
    }

    @Test
    void exitCodesTellNotFoundConflictUnavailableAndUsageApart() throws IOException {
        OurWords.assertOurWords(cli().run("get", "t:none"), 3, "not found");
        redis.newStore().put("t:c", StrictJson.parse("{}"));
        OurWords.assertOurWords(cli().run("merge", "t:c", "{\"a\":1}", "--if-revision", "7"), 4, "conflict");
        OurWords.assertOurWords(
                cli().runRaw(new byte[0], "--redis", "redis://127.0.0.1:" + freePort(), "ls"), 5, "cannot reach Redis");
        assertEquals(2, cli().run("get").exitCode());
        assertEquals(2, cli().run("frobnicate").exitCode());
    }

    @Test
    void aRefusedPasswordExitsSix() throws IOException {
        try (redis.clients.jedis.Jedis admin = redis.jedis()) {
            admin.aclSetUser("cli-errors-user", "on", ">right-password", "~*", "+@all");
        }
        Files.writeString(dir.resolve("wrong.pw"), "wrong-password\n");
        CliRunner.Result r = cli().runRaw(
                        new byte[0],
                        "--redis",
                        redis.uri(),
                        "--user",
                        "cli-errors-user",
                        "--password-file",
                        "wrong.pw",
                        "get",
                        "t:x");
        assertEquals(6, r.exitCode(), r.toString());
        assertEquals(1, r.errLines().size(), r.toString());
    }

    @Test
    void theTopLevelHelpListsTheExitCodes() {
        CliRunner.Result r = cli().runRaw(new byte[0], "--help");
        assertEquals(0, r.exitCode(), r.toString());
        String help = r.out().replaceAll("\\s+", " ");
        for (String code : List.of(
                "0 success",
                "1 failure",
                "2 usage error",
                "3 not found",
                "4 conflict",
                "5 Redis unavailable",
                "6 permission denied")) {
            assertTrue(help.contains(code), code + "\n" + r.out());
        }
    }

    @Test
    void debugStillShowsTheStackTrace() throws IOException {
        CliRunner.Result r =
                cli().runRaw(new byte[0], "--redis", "redis://127.0.0.1:" + freePort(), "--debug", "get", "t:x");
        assertEquals(5, r.exitCode(), r.toString());
        assertTrue(r.err().contains("\tat "), r.toString());
    }

    static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
