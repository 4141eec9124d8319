package io.statestore.client;

import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.statestore.testing.RedisServerExtension;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.extension.RegisterExtension;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.exceptions.JedisDataException;

/**
 * The server's half of the one definition of valid JSON: every entry of the shared corpus
 * (src/statestore/test/resources/json-corpus/corpus.tsv, the one JsonCorpusTest runs through the Java
 * reader) is sent as it is, bytes untouched, as the doc of a raw
 * {@code FCALL ss_put 5 doc ss:m:{doc} ss:h:{doc} ss:feed ss:index doc <bytes>}: a valid entry is
 * stored (the reply starts with its revision), an invalid one is refused with an error starting
 * {@code SS_JSON} (protocol v11, "JSON values").
 */
class ServerJsonCorpusTest {
    @RegisterExtension
    static RedisServerExtension redis = RedisServerExtension.portable();

    private static final List<String> KEYS = DocumentState.callKeys("doc");
    private static Jedis j;

    @BeforeAll
    static void libraries() {
        redis.flushedWithLibraries().close();
        // A 16 MiB document keeps the server checking it for up to a second or two on this
        // machine (docs/benchmarks.md): more than the default read timeout.
        j = new Jedis("127.0.0.1", redis.port(), 30_000);
    }

    @AfterAll
    static void close() {
        j.close();
    }

    @TestFactory
    Stream<DynamicTest> everyEntryGetsItsVerdictFromTheServer() {
        return JsonCorpus.entries().stream()
                .map(e -> DynamicTest.dynamicTest(e.toString(), () -> {
                    j.del(KEYS.toArray(String[]::new));
                    Object reply;
                    try {
                        reply = j.fcall(
                                bytes("ss_put"),
                                KEYS.stream().map(ServerJsonCorpusTest::bytes).toList(),
                                List.of(bytes("doc"), e.bytes()));
                    } catch (JedisDataException refused) {
                        if (e.valid()) {
                            fail(e + ": refused: " + refused.getMessage(), refused);
                        }
                        // '' is "not given" in the protocol: an empty document is a missing argument
                        String code = e.bytes().length == 0 ? "SS_INVALID" : "SS_JSON";
                        assertTrue(
                                refused.getMessage().startsWith(code),
                                e + ": not an " + code + " error: " + refused.getMessage());
                        return;
                    }
                    if (!e.valid()) {
                        fail(e + ": accepted, reply " + reply);
                    }
                    List<?> r = assertInstanceOf(List.class, reply, e + ": reply");
                    assertInstanceOf(Long.class, r.get(0), e + ": the reply starts with the revision: " + r);
                }));
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
