package io.statestore.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.statestore.client.StrictJson;
import io.statestore.client.spi.FunctionLibrary;
import io.statestore.testing.RedisServerExtension;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import redis.clients.jedis.Jedis;

/** statestore functions print / install / status, in-process against a real server. */
class FunctionsCliTest {
    private static final FunctionLibrary DOCS = FunctionLibrary.bundled();
    private static final FunctionLibrary EVENTS = FunctionLibrary.events();
    private static final String IMPOSTOR = "#!lua name=statestore\n"
            + "redis.register_function{function_name = 'ss_version', callback = function() return '99' end, flags = {'no-writes'}}\n";

    @RegisterExtension
    static RedisServerExtension redis = RedisServerExtension.portable();

    @TempDir
    Path dir;

    private CliRunner cli;

    @BeforeEach
    void clean() {
        try (Jedis j = redis.jedis()) {
            j.flushAll();
            j.functionFlush();
        }
        cli = new CliRunner(redis.uri(), dir);
    }

    @Test
    void printWritesTheLibraryByteForByteSoRedisCliCanLoadItWithoutJava() {
        CliRunner.Result docs = cli.run("functions", "print");
        assertEquals(0, docs.exitCode(), docs.toString());
        assertEquals(DOCS.code(), docs.out());
        assertEquals(DOCS.digest(), FunctionLibrary.sha256(docs.out().getBytes(StandardCharsets.UTF_8)));
        CliRunner.Result events = cli.run("functions", "print", "statestore_events");
        assertEquals(EVENTS.code(), events.out());

        // what `redis-cli -x FUNCTION LOAD REPLACE < lib.lua` does with the printed file
        try (Jedis j = redis.jedis()) {
            assertEquals("statestore", j.functionLoadReplace(docs.out()));
        }
        CliRunner.Result status = cli.run("functions", "status", "--json");
        assertEquals(0, status.exitCode(), status.toString());
        JsonNode first = StrictJson.parse(status.outLines().get(0));
        assertEquals("statestore", first.get("library").asText());
        assertEquals(DOCS.version(), first.get("serverVersion").asInt());
        assertEquals(DOCS.digest(), first.get("serverSha256").asText());
        assertTrue(first.get("sameCode").asBoolean());
        assertEquals("same", first.get("verdict").asText());
        JsonNode second = StrictJson.parse(status.outLines().get(1));
        assertEquals("absent", second.get("verdict").asText());
        assertTrue(second.get("serverVersion").isNull());

        CliRunner.Result unknown = cli.run("functions", "print", "nope");
        assertEquals(2, unknown.exitCode(), unknown.toString());
        assertTrue(
                unknown.err().contains("unknown library 'nope' (statestore or statestore_events)"), unknown.toString());
    }

    @Test
    void installLoadsBothThenFindsThemIdentical() {
        CliRunner.Result first = cli.run("functions", "install");
        assertEquals(0, first.exitCode(), first.toString());
        assertEquals(
                List.of(
                        "statestore: loaded v" + DOCS.version() + " (the server had none)",
                        "statestore_events: loaded v" + EVENTS.version() + " (the server had none)"),
                first.outLines());
        CliRunner.Result again = cli.run("functions", "install");
        assertEquals(
                List.of(
                        "statestore: v" + DOCS.version() + " already installed, identical",
                        "statestore_events: v" + EVENTS.version() + " already installed, identical"),
                again.outLines());
        CliRunner.Result status = cli.run("functions", "status");
        assertEquals(0, status.exitCode(), status.toString());
        assertEquals(
                "statestore: server v" + DOCS.version() + " (sha256 " + DOCS.digest()
                        + "), the same code as this client's v" + DOCS.version(),
                status.outLines().get(0));
    }

    @Test
    void aLibraryClientsRefuseIsShownRefusedAndOnlyForceReplacesIt() {
        assertEquals(0, cli.run("functions", "install").exitCode());
        try (Jedis j = redis.jedis()) {
            j.functionLoadReplace(IMPOSTOR);
        }
        CliRunner.Result status = cli.run("functions", "status");
        assertEquals(1, status.exitCode(), status.toString());
        assertTrue(
                status.outLines()
                        .get(0)
                        .startsWith("statestore: server v99 (sha256 " + FunctionLibrary.sha256(IMPOSTOR)
                                + "), newer than this client's v" + DOCS.version() + " but lacking ss_"),
                status.toString());
        assertTrue(status.outLines().get(0).endsWith(": refused"), status.toString());
        assertEquals(
                List.of("statestore: functions status: clients refuse the server's statestore (see above);"
                        + " 'statestore functions install --force' replaces it with this client's"),
                status.errLines());

        CliRunner.Result refused = cli.run("functions", "install");
        assertEquals(1, refused.exitCode(), refused.toString());
        assertEquals(
                List.of("statestore_events: v" + EVENTS.version() + " already installed, identical"),
                refused.outLines(),
                "the other library is still handled");
        assertEquals(1, refused.errLines().size(), refused.toString());
        assertTrue(
                refused.errLines()
                        .get(0)
                        .startsWith("statestore: functions install: function library statestore on Redis at "
                                + redis.uri() + " is version 99"),
                refused.toString());
        assertTrue(refused.err().contains("'statestore functions install --force'"), refused.toString());

        CliRunner.Result put = cli.runWithStdin("{}".getBytes(StandardCharsets.UTF_8), "put", "k", "-");
        assertEquals(1, put.exitCode(), "a client refuses to connect: " + put);
        assertTrue(put.err().contains("lacks functions this client calls"), put.toString());

        CliRunner.Result forced = cli.run("functions", "install", "--force");
        assertEquals(0, forced.exitCode(), forced.toString());
        assertEquals(
                "statestore: replaced v99 (sha256 " + FunctionLibrary.sha256(IMPOSTOR) + ") with v" + DOCS.version()
                        + " (forced)",
                forced.outLines().get(0));
        assertEquals(0, cli.run("functions", "status").exitCode());
        assertEquals(
                0,
                cli.runWithStdin("{}".getBytes(StandardCharsets.UTF_8), "put", "k", "-")
                        .exitCode());
    }
}
