package io.statestore.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.statestore.testing.RedisServerExtension;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Documents written by a Python service (redis-py, FCALL as docs/protocol.md says) read back
 * byte-exact through the Java client, and documents the Java client writes read back byte-exact
 * by Python: src/statestore/test/python/roundtrip/roundtrip.py is the Python side. Both sides connect as the
 * writer role's ACL user (issue 15), Python with the password from a file as a service would.
 */
class PythonRoundTripTest {
    @RegisterExtension
    static RedisServerExtension redis = RedisServerExtension.portable().asRole(Role.WRITER);

    private static final Path PYTHON = Path.of("/usr/bin/python3");
    private static final Path SCRIPT = Path.of("src/statestore/test/python/roundtrip/roundtrip.py");

    @BeforeAll
    static void pythonWithRedisPy() throws Exception {
        boolean ok = Files.isExecutable(PYTHON)
                && new ProcessBuilder(PYTHON.toString(), "-c", "import redis")
                                .redirectErrorStream(true)
                                .start()
                                .waitFor()
                        == 0;
        if (!ok) {
            System.out.println(
                    "PythonRoundTripTest skipped: /usr/bin/python3 cannot import redis (scripts/test installs python3-redis)");
        }
        assumeTrue(ok, "/usr/bin/python3 with python3-redis is needed");
    }

    @Test
    void documentsWrittenByPythonReadBackByteExactInJava() throws Exception {
        redis.flushAll();
        StateStore store = redis.newStore(); // installs the libraries
        Map<String, String> written = python("write");
        assertEquals(8, written.size());
        for (Map.Entry<String, String> e : written.entrySet()) {
            JsonNode read = store.get(e.getKey()).orElseThrow().value();
            assertEquals(e.getValue(), StrictJson.write(read), e.getKey());
        }
    }

    @Test
    void documentsWrittenByJavaReadBackByteExactInPython() throws Exception {
        redis.flushAll();
        StateStore store = redis.newStore();
        Map<String, String> sent = new LinkedHashMap<>();
        List<String> texts = List.of(
                "{\"big\":123456789012345678901234567890,\"dec\":0.30000000000000004,\"tz\":1.50}",
                "{\"u\":\"é ✓ 🧠\",\"esc\":\"\\\"\\\\\\n\",\"empty\":[],\"o\":{}}",
                "[true,null,-0.0]");
        for (int i = 0; i < texts.size(); i++) {
            JsonNode value = StrictJson.parse(texts.get(i));
            store.put("rt:java:" + i, value);
            sent.put("rt:java:" + i, StrictJson.write(value));
        }
        List<String> args = new ArrayList<>(List.of("read"));
        args.addAll(sent.keySet());
        assertEquals(sent, python(args.toArray(String[]::new)));
    }

    /** Runs roundtrip.py against the test server; its lines "KEY HEX" as key to UTF-8 text. */
    private static Map<String, String> python(String... args) throws IOException, InterruptedException {
        List<String> cmd =
                new ArrayList<>(List.of(PYTHON.toString(), SCRIPT.toString(), Integer.toString(redis.port())));
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.INHERIT);
        pb.environment().put("STATESTORE_USER", Role.WRITER.userName());
        pb.environment()
                .put("STATESTORE_PASSWORD_FILE", redis.rolePasswordFile().toString());
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), "roundtrip.py did not finish within 60 s");
        assertEquals(0, p.exitValue(), "roundtrip.py " + String.join(" ", args) + ":\n" + out);
        Map<String, String> lines = new LinkedHashMap<>();
        for (String line : out.split("\n")) {
            if (!line.isBlank()) {
                String[] kv = line.split(" ", 2);
                lines.put(kv[0], new String(HexFormat.of().parseHex(kv[1]), StandardCharsets.UTF_8));
            }
        }
        return lines;
    }
}
