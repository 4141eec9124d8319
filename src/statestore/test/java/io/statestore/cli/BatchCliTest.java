package io.statestore.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.statestore.client.StateStore;
import io.statestore.client.StrictJson;
import io.statestore.testing.RedisServerExtension;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import redis.clients.jedis.Jedis;

/** {@code statestore batch} in-process against a real redis-server: results, error policies, refusals. */
class BatchCliTest {
    @RegisterExtension
    static RedisServerExtension redis = RedisServerExtension.portable();

    @TempDir
    Path dir;

    @BeforeEach
    void emptyServer() {
        redis.flushAll();
    }

    private CliRunner cli() {
        return new CliRunner(redis.uri(), dir);
    }

    private CliRunner.Result batch(String input, String... options) {
        List<String> args = new ArrayList<>(List.of("batch"));
        args.addAll(List.of(options));
        return cli().runWithStdin(input.getBytes(StandardCharsets.UTF_8), args.toArray(String[]::new));
    }

    private static List<JsonNode> results(CliRunner.Result r) {
        return r.outLines().stream().map(StrictJson::parse).toList();
    }

    private static List<String> fields(JsonNode n) {
        List<String> names = new ArrayList<>();
        for (Iterator<String> it = n.fieldNames(); it.hasNext(); ) {
            names.add(it.next());
        }
        return names;
    }

    private static void assertOk(JsonNode result, int line, String output) {
        assertEquals(List.of("line", "ok", "exit", "output"), fields(result), result.toString());
        assertEquals(line, result.get("line").asInt(), result.toString());
        assertTrue(result.get("ok").asBoolean(), result.toString());
        assertEquals(0, result.get("exit").asInt(), result.toString());
        assertEquals(output, result.get("output").asText(), result.toString());
    }

    private static void assertFailed(JsonNode result, int line, int exit, String error) {
        assertEquals(List.of("line", "ok", "exit", "output", "error"), fields(result), result.toString());
        assertEquals(line, result.get("line").asInt(), result.toString());
        assertFalse(result.get("ok").asBoolean(), result.toString());
        assertEquals(exit, result.get("exit").asInt(), result.toString());
        assertEquals("", result.get("output").asText(), result.toString());
        assertEquals(error, result.get("error").asText(), result.toString());
    }

    /** The one line the CLI prints on stderr when {@code args} fail on their own. */
    private String cliError(String... args) {
        CliRunner.Result r = cli().run(args);
        assertEquals(1, r.errLines().size(), r.toString());
        return r.errLines().get(0);
    }

    private static final String MIXED = """
            # set up a document, then read it back
            merge m:a '{"n":1,"s":"two words"}'
            incr m:a $.n 5

            get m:a
            get m:missing
            merge m:after '{"ran":true}'
            ls m:
            del m:a
            """;

    @Test
    void stopIsTheDefaultAndLinesAfterTheFailureDoNotRun() {
        String missing = cliError("get", "m:missing");
        CliRunner.Result r = batch(MIXED);
        assertEquals(3, r.exitCode(), "the exit code of the failed line\n" + r);
        List<JsonNode> res = results(r);
        assertEquals(4, res.size(), r.toString());
        assertOk(res.get(0), 2, "1");
        assertOk(res.get(1), 3, "6");
        assertOk(res.get(2), 5, "{\"n\":6,\"s\":\"two words\"}");
        assertFailed(res.get(3), 6, 3, missing);
        assertEquals("", r.err(), "the error is in the result, not on stderr\n" + r);
        StateStore store = redis.newStore();
        assertTrue(store.get("m:after").isEmpty(), "the merge after the failure did not run");
        assertEquals(2, store.get("m:a").orElseThrow().meta().revision(), "the del after the failure did not run");
        assertEquals("cli-test", store.get("m:a").orElseThrow().meta().writer(), "--writer given before batch applies");
    }

    @Test
    void continueRunsEveryLineAndExitsWithTheFirstFailure() {
        String missing = cliError("get", "m:missing");
        String badJson = cliError("merge", "m:bad", "{\"x\":");
        CliRunner.Result r = batch(MIXED + "merge m:bad '{\"x\":'\n", "--on-error", "continue");
        assertEquals(3, r.exitCode(), "the first failure's code, not the last's (1)\n" + r);
        List<JsonNode> res = results(r);
        assertEquals(8, res.size(), r.toString());
        assertFailed(res.get(3), 6, 3, missing);
        assertOk(res.get(4), 7, "1");
        assertOk(res.get(5), 8, "m:a\nm:after");
        assertOk(res.get(6), 9, "3");
        assertFailed(res.get(7), 10, 1, badJson);
        assertTrue(badJson.contains("column"), "bad JSON names the position: " + badJson);
        StateStore store = redis.newStore();
        assertEquals(
                "{\"ran\":true}",
                StrictJson.write(store.get("m:after").orElseThrow().value()));
        assertTrue(store.get("m:a").isEmpty(), "the del ran");
        assertTrue(store.get("m:bad").isEmpty());
    }

    @Test
    void optionsOfOneLineDoNotCarryOverToTheNext() {
        CliRunner.Result r = batch("""
                merge t:opt '{"v":1}' --if-revision 7
                merge t:opt '{"v":1}'
                get t:opt --meta
                get t:opt
                """, "--on-error", "continue");
        List<JsonNode> res = results(r);
        assertEquals(4, res.get(0).get("exit").asInt(), "conflict\n" + r);
        assertOk(res.get(1), 2, "1");
        assertTrue(res.get(2).get("output").asText().startsWith("{\"key\":\"t:opt\""), r.toString());
        assertOk(res.get(3), 4, "{\"v\":1}");
        assertEquals(4, r.exitCode());
    }

    @Test
    void linesAreSplitAsAShellWould() {
        CliRunner.Result r = batch("""
                merge t:q "{\\"say\\": \\"it's \\\\\\"quoted\\\\\\"\\"}"
                merge t:q '{"tab":"a\\tb", "sp":"  two  spaces "}'
                merge t:q {\\"bare\\":1}   # a comment after the command
                set t:q '$["a key"]' '"x"'
                statestore get t:q
                get 't:q
                """, "--on-error", "continue");
        List<JsonNode> res = results(r);
        assertEquals(6, res.size(), r.toString());
        for (int i = 0; i < 4; i++) {
            assertTrue(res.get(i).get("ok").asBoolean(), r.toString());
        }
        assertOk(
                res.get(4),
                5,
                "{\"say\":\"it's \\\"quoted\\\"\",\"tab\":\"a\\tb\",\"sp\":\"  two  spaces \",\"bare\":1,\"a key\":\"x\"}");
        assertFailed(
                res.get(5),
                6,
                2,
                "statestore: line 6: the ' at column 5 is never closed"
                        + " (quote as in a shell: '...' keeps everything, \"...\" needs \\\" inside)");
        assertEquals(2, r.exitCode());
    }

    @Test
    void commandsThatRunUntilStoppedAndPerLineConnectionOptionsAreRefused() {
        CliRunner.Result r = batch("""
                batch
                daemon
                watch t:
                events tail
                task tail t1
                merge t:ref '{"a":1}' --redis redis://127.0.0.1:1
                --writer other merge t:ref '{"a":1}'
                put t:ref
                """, "--on-error", "continue");
        List<JsonNode> res = results(r);
        assertEquals(8, res.size(), r.toString());
        assertFailed(res.get(0), 1, 2, "statestore: batch: not in a batch: a batch cannot run another batch");
        assertFailed(
                res.get(1),
                2,
                2,
                "statestore: daemon: not in a batch: the daemon runs until stopped;" + " start it on its own");
        for (int i = 2; i < 5; i++) {
            assertEquals(2, res.get(i).get("exit").asInt(), r.toString());
            assertTrue(res.get(i).get("error").asText().contains(": not in a batch: "), r.toString());
        }
        assertFailed(
                res.get(5),
                6,
                2,
                "statestore: --redis cannot change within a batch:"
                        + " give it to the batch itself (statestore --redis URL batch)");
        assertFailed(
                res.get(6),
                7,
                2,
                "statestore: --writer cannot change within a batch:"
                        + " give it to the batch itself (statestore --writer NAME batch)");
        assertEquals(1, res.get(7).get("exit").asInt(), r.toString());
        assertTrue(
                res.get(7)
                        .get("error")
                        .asText()
                        .startsWith("statestore: put t:ref: cannot read stdin: in a batch,"
                                + " stdin holds the command lines"),
                r.toString());
        assertTrue(redis.newStore().get("t:ref").isEmpty(), "no refused line wrote anything");
        assertEquals(2, r.exitCode());
    }

    @Test
    void emptyInputAndOnlyCommentsSucceedWithNoResults() {
        for (String input : List.of("", "\n\n", "# nothing to do\n   \n  # indented comment\n")) {
            CliRunner.Result r = batch(input);
            assertEquals(0, r.exitCode(), r.toString());
            assertEquals("", r.out(), r.toString());
            assertEquals("", r.err(), r.toString());
        }
    }

    @Test
    void theLinesShareOneConnectionInsteadOfOpeningOneEach() {
        StringBuilder input = new StringBuilder();
        for (int i = 0; i < 200; i++) {
            input.append("merge t:shared")
                    .append(i % 5)
                    .append(" '{\"n\":")
                    .append(i)
                    .append("}'\n")
                    .append("get t:shared")
                    .append(i % 5)
                    .append("\n");
        }
        long before = connectionsReceived();
        CliRunner.Result r = batch(input.toString());
        long opened = connectionsReceived() - before;
        assertEquals(0, r.exitCode(), r.toString());
        assertEquals(400, r.outLines().size());
        assertOk(results(r).get(399), 400, "{\"n\":199}");
        // a writer's and a reader's store, each a small pool: far from one connect per line
        assertTrue(opened <= 10, opened + " connections for 400 lines");
    }

    @Test
    void globalOptionsGivenToTheBatchReachCommandsThatConnectOnTheirOwn() {
        // functions status builds its connection from Main's fields, not through the shared stores:
        // without the batch's --redis it would try the default server and fail with exit 5
        CliRunner.Result r = batch("functions status\n");
        assertEquals(0, r.exitCode(), r.toString());
        JsonNode res = results(r).get(0);
        assertTrue(res.get("output").asText().startsWith("statestore: server v"), r.toString());
        assertEquals(
                cli().run("functions", "status").out().trim(), res.get("output").asText());
    }

    @Test
    void windowsLineEndingsAreAcceptedAndALineOfInvalidUtf8FailsAlone() {
        byte[] input = concat(
                "merge t:crlf '{\"a\":1}'\r\nget t:\u00e9\n".getBytes(StandardCharsets.UTF_8),
                new byte[] {'g', 'e', 't', ' ', 't', ':', (byte) 0xE9, '\n'},
                "get t:crlf\r\n".getBytes(StandardCharsets.UTF_8));
        CliRunner.Result r = cli().runWithStdin(input, "batch", "--on-error", "continue");
        List<JsonNode> res = results(r);
        assertEquals(4, res.size(), r.toString());
        assertOk(res.get(0), 1, "1");
        assertEquals(3, res.get(1).get("exit").asInt(), "a valid non-ASCII key, not found\n" + r);
        assertFailed(res.get(2), 3, 1, "statestore: line 3 is not valid UTF-8");
        assertOk(res.get(3), 4, "{\"a\":1}");
        assertEquals(3, r.exitCode());
    }

    private static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream all = new ByteArrayOutputStream();
        for (byte[] p : parts) {
            all.writeBytes(p);
        }
        return all.toByteArray();
    }

    @Test
    void anUnknownErrorPolicyIsAUsageError() {
        CliRunner.Result r = batch("get t:x\n", "--on-error", "ignore");
        assertEquals(2, r.exitCode(), r.toString());
        assertEquals("", r.out());
        assertTrue(r.err().startsWith("statestore: --on-error must be stop or continue, not \"ignore\""), r.toString());
    }

    private static long connectionsReceived() {
        try (Jedis j = redis.jedis()) {
            for (String line : j.info("stats").split("\r?\n")) {
                if (line.startsWith("total_connections_received:")) {
                    return Long.parseLong(line.substring(line.indexOf(':') + 1).trim());
                }
            }
        }
        throw new AssertionError("INFO stats has no total_connections_received");
    }
}
