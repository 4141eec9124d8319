package io.statestore.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.statestore.testing.RedisServerExtension;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.exceptions.JedisDataException;

/**
 * The server's JSON check (lua/json_check.lua) decides ordinary documents by a fast path of
 * screens that can only show a pass, and falls back to its exact passes otherwise (docs/json.md,
 * "The fast path"). Here thousands of generated and mutated documents go through a raw
 * {@code FCALL ss_put}, and each verdict is compared with the Java strict reader's
 * ({@link StrictJson}), and each refusal's words with those of the same check with the fast
 * screens taken out (the exact passes alone, run as a script on the same server), so a screen
 * that passed what the exact passes refuse, or changed which problem is named, fails here.
 */
class ServerJsonDifferentialTest {
    @RegisterExtension
    static RedisServerExtension redis = RedisServerExtension.portable();

    private static final List<String> KEYS = DocumentState.callKeys("doc");
    private static final String PART = "/io/statestore/lua/json_check.lua";
    private static Jedis j;
    private static String exactSha;

    @BeforeAll
    static void libraries() throws IOException {
        redis.flushedWithLibraries().close();
        j = new Jedis("127.0.0.1", redis.port(), 30_000);
        exactSha = j.scriptLoad(exactCheckScript());
    }

    @AfterAll
    static void close() {
        j.close();
    }

    /** json_check.lua with both fast screens answering "not shown": today's exact passes. */
    private static String exactCheckScript() throws IOException {
        String src;
        try (InputStream in = ServerJsonDifferentialTest.class.getResourceAsStream(PART)) {
            src = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        String exact = replaceOnce(
                replaceOnce(src, "not names_shown_unique(s, tree, colons)", "true"),
                "not numbers_shown_ordinary(s, long)",
                "true");
        return "local function fail(code, msg) error({err = code .. ' ' .. msg}) end\n" + exact
                + "\ncheck_json(ARGV[1], 'doc')\nreturn 1\n";
    }

    private static String replaceOnce(String s, String what, String with) {
        int at = s.indexOf(what);
        assertTrue(at >= 0 && s.indexOf(what, at + 1) < 0, "json_check.lua must hold '" + what + "' once");
        return s.substring(0, at) + with + s.substring(at + what.length());
    }

    @Test
    void generatedAndMutatedDocumentsGetTheReadersVerdictAndTheExactPassesWords() {
        Random r = new Random(20261206L);
        int accepted = 0;
        int refused = 0;
        for (int i = 0; i < 3000; i++) {
            byte[] doc = new Generator(r).document();
            if (i % 3 != 0) {
                doc = mutate(r, doc, 1 + r.nextInt(3));
            }
            if (doc.length == 0) {
                continue; // '' is "not given" in the protocol (ServerJsonCorpusTest)
            }
            if (compare(doc)) {
                accepted++;
            } else {
                refused++;
            }
        }
        // both verdicts must be well represented, or the comparison shows little
        assertTrue(accepted > 500 && refused > 500, "accepted " + accepted + ", refused " + refused);
    }

    /** Each fast-path screen's fallback: a document its screen cannot pass, valid and not. */
    @Test
    void eachScreensFallbackGivesTheExactVerdict() {
        String longInt = "1".repeat(100);
        String[] cases = {
            // duplicate names: colons in strings, escaped colons, nested duplicates
            "{\"a\":\"x:y\",\"b\":1}",
            "{\"a:b\":\"x::y\",\"c\":{\"d\":\"e:\"}}",
            "{\"a\":\"\\u003a\",\"a\":1}",
            "{\"a\":\"\\u003A\",\"b\":\"x\"}",
            "{\"a\\u003ab\":1,\"a:b\":2}",
            "{\"a\":{\"b\":1,\"b\":\"t:t\"},\"c\":\"u\"}",
            "{\"a\":{\"x\":1,\"y\":2},\"a\":{\"x:y\":1}}",
            "{\"a\":\"1:2:3\",\"a\":\"\"}",
            "[{\"k\":\"v\"},{\"k\":\"v\",\"k\":\"w\"}]",
            // dots: prose, bad number shapes at every position
            "{\"m\":\"Done. Next step: 4. e.g. this.\"}",
            "{\"m\":\"v1. \",\"n\":1.5}",
            "[1.]",
            "[-.5]",
            "[1.e5]",
            "{\"a\":1. }",
            "{\"a\":2.,\"b\":\"x. y\"}",
            "1.",
            "-0.5",
            "[0.5,-1.25e-3,\"a.b\",\"1. 2\"]",
            // long numbers and digit runs in strings
            "[" + longInt + "]",
            "[" + longInt + "1]",
            "[-" + longInt.substring(1) + "]",
            "[1." + longInt.substring(2) + "]",
            "{\"s\":\"" + longInt + longInt + "\",\"n\":1}",
            "{\"n\":\"" + "x".repeat(200) + "\",\"d\":" + longInt + "1}",
            // tabs and line breaks outside and inside strings, control characters, UTF-8
            "{\n\t\"a\": 1.5,\n\t\"b\": \"c:d\"\n}",
            "{\"a\":\"x\ty\"}",
            "{\"a\":\"x\ny\",\"a\":1}",
            "{\"a\":\"\u0001\",\"a\":1.}",
            "{\"a\":\"é:ü\",\"b\":\"中文. 1\"}",
        };
        for (String c : cases) {
            compare(c.getBytes(StandardCharsets.UTF_8));
        }
        compare(new byte[] {'{', '"', 'a', '"', ':', '"', (byte) 0xC3, '"', ',', '"', 'a', '"', ':', '1', '}'});
        compare(new byte[] {'[', '"', (byte) 0xED, (byte) 0xA0, (byte) 0x80, '"', ',', '1', '.', ']'});
    }

    /** Whether the document was accepted; fails when the server and the reader disagree. */
    private static boolean compare(byte[] doc) {
        String shown = describe(doc);
        boolean javaValid;
        String javaWhy = null;
        try {
            StrictJson.parse(doc, "doc");
            javaValid = true;
        } catch (InvalidInputException e) {
            javaValid = false;
            javaWhy = e.getMessage();
        }
        String server = serverRefusal(() -> j.fcall(
                bytes("ss_put"),
                KEYS.stream().map(ServerJsonDifferentialTest::bytes).toList(),
                List.of(bytes("doc"), doc)));
        String exact = serverRefusal(() -> j.evalsha(bytes(exactSha), List.of(), List.of(doc)));
        if (javaValid) {
            assertEquals(null, server, shown + ": valid for the reader, refused by the server");
        } else {
            assertTrue(
                    server != null && server.startsWith("SS_JSON"),
                    shown + ": refused by the reader (" + javaWhy + "), server: " + server);
        }
        // the words after the input's name: ss_put names it by its key, the script "doc"
        assertEquals(words(exact), words(server), shown + ": the exact passes say otherwise");
        return javaValid;
    }

    private static String words(String refusal) {
        // (a script's error carries where it was raised: " script: <sha>, on @user_script:1.")
        return refusal == null
                ? null
                : refusal.substring(refusal.indexOf(": ") + 2)
                        .replaceFirst(" script: [0-9a-f]{40}, on @user_script:\\d+\\.$", "");
    }

    private static String serverRefusal(Runnable call) {
        try {
            call.run();
            return null;
        } catch (JedisDataException e) {
            return e.getMessage();
        }
    }

    private static String describe(byte[] doc) {
        String text = new String(doc, StandardCharsets.UTF_8);
        return text.length() <= 300
                ? "<" + text + "> hex " + HexFormat.of().formatHex(doc)
                : "<" + text.substring(0, 300) + "...>";
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    /** Bytes a mutation puts in: each one matters to some pass of the check. */
    private static final byte[] INTERESTING = {
        ':',
        '.',
        '"',
        '\\',
        '0',
        '1',
        '9',
        '-',
        '+',
        'e',
        'E',
        ' ',
        '\t',
        '\n',
        '\r',
        1,
        0x1f,
        0x7f,
        ',',
        '}',
        ']',
        '{',
        '[',
        (byte) 0xC3,
        (byte) 0xA9,
        (byte) 0xED,
        (byte) 0xF0,
        (byte) 0xFF,
        'u',
        'a'
    };

    private static byte[] mutate(Random r, byte[] doc, int times) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        byte[] d = doc;
        for (int t = 0; t < times; t++) {
            out.reset();
            int at = d.length == 0 ? 0 : r.nextInt(d.length);
            switch (r.nextInt(5)) {
                case 0 -> { // insert a byte
                    out.write(d, 0, at);
                    out.write(INTERESTING[r.nextInt(INTERESTING.length)]);
                    out.write(d, at, d.length - at);
                }
                case 1 -> { // replace a byte
                    out.write(d, 0, d.length);
                    byte[] b = out.toByteArray();
                    if (b.length > 0) {
                        b[at] = INTERESTING[r.nextInt(INTERESTING.length)];
                    }
                    out.reset();
                    out.write(b, 0, b.length);
                }
                case 2 -> { // delete a byte
                    out.write(d, 0, at);
                    if (at + 1 <= d.length) {
                        out.write(d, at + 1, d.length - at - 1);
                    }
                }
                case 3 -> { // put "." or "-." before a digit, or after it
                    out.write(d, 0, at);
                    byte[] s = r.nextBoolean() ? new byte[] {'.'} : new byte[] {'-', '.'};
                    out.write(s, 0, s.length);
                    out.write(d, at, d.length - at);
                }
                default -> { // repeat a piece (a member, a value, a run of digits) in place
                    int len = Math.min(d.length - at, 1 + r.nextInt(24));
                    out.write(d, 0, at + len);
                    out.write(d, at, d.length - at);
                }
            }
            d = out.toByteArray();
        }
        return d;
    }

    /** Random documents of the shapes the fast path must judge. */
    private static final class Generator {
        private static final String[] WORDS = {
            "id",
            "a",
            "b",
            "name",
            "x:y",
            "10:30",
            "http://h/p",
            "e.g.",
            "Done. Next step: 4. ok",
            "v1.2",
            "é",
            "中文",
            "😀",
            "a\\u003ab",
            "\\u003A",
            "tab\\there",
            "q\\\"x",
            "back\\\\",
            "step 2. Next",
            "n.",
            ".5",
            "1.",
            "-.5",
            "0.e1",
            "12345678901234567890123456789012345",
            "\\u00e9",
            "\\ud83d\\ude00"
        };
        private final Random r;
        private final boolean pretty;
        private final StringBuilder b = new StringBuilder();

        Generator(Random r) {
            this.r = r;
            this.pretty = r.nextInt(4) == 0;
        }

        byte[] document() {
            value(0);
            byte[] text = b.toString().getBytes(StandardCharsets.UTF_8);
            if (r.nextInt(10) == 0) { // a raw control character, tab or byte above 127 somewhere
                byte[] raw = {1, '\t', '\n', (byte) 0xC3, (byte) 0x80, (byte) 0xFE};
                return mutateOnce(text, raw[r.nextInt(raw.length)]);
            }
            return text;
        }

        private byte[] mutateOnce(byte[] text, byte put) {
            int at = r.nextInt(text.length);
            byte[] out = new byte[text.length + 1];
            System.arraycopy(text, 0, out, 0, at);
            out[at] = put;
            System.arraycopy(text, at, out, at + 1, text.length - at);
            return out;
        }

        private void value(int depth) {
            int kind = depth > 4 ? 2 + r.nextInt(3) : r.nextInt(6);
            switch (kind) {
                case 0 -> object(depth);
                case 1 -> array(depth);
                case 2 -> number();
                case 3 -> string();
                case 4 -> b.append(new String[] {"true", "false", "null"}[r.nextInt(3)]);
                default -> object(depth);
            }
        }

        private void object(int depth) {
            b.append('{');
            int n = r.nextInt(6);
            List<String> names = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                if (i > 0) {
                    b.append(',');
                }
                newline(depth + 1);
                // one in eight names repeats an earlier one of the same object
                String name = !names.isEmpty() && r.nextInt(8) == 0
                        ? names.get(r.nextInt(names.size()))
                        : WORDS[r.nextInt(WORDS.length)] + (r.nextBoolean() ? "" : Integer.toString(i));
                names.add(name);
                b.append('"').append(name).append('"').append(pretty ? ": " : ":");
                value(depth + 1);
            }
            newline(depth);
            b.append('}');
        }

        private void array(int depth) {
            b.append('[');
            int n = r.nextInt(5);
            for (int i = 0; i < n; i++) {
                if (i > 0) {
                    b.append(',');
                }
                newline(depth + 1);
                value(depth + 1);
            }
            newline(depth);
            b.append(']');
        }

        private void newline(int depth) {
            if (pretty) {
                b.append('\n').append(r.nextBoolean() ? "\t".repeat(depth) : "  ".repeat(depth));
            }
        }

        private void string() {
            b.append('"');
            int n = r.nextInt(3);
            for (int i = 0; i < n; i++) {
                b.append(WORDS[r.nextInt(WORDS.length)]);
                if (r.nextBoolean()) {
                    b.append(' ');
                }
            }
            if (r.nextInt(20) == 0) {
                b.append("9".repeat(30 + r.nextInt(80)));
            }
            b.append('"');
        }

        private void number() {
            switch (r.nextInt(8)) {
                case 0 -> b.append(r.nextInt(1000) - 500);
                case 1 -> b.append(r.nextInt(100)).append('.').append(r.nextInt(1000));
                case 2 -> b.append("-0.").append(r.nextInt(99)).append("e-").append(r.nextInt(9));
                case 3 -> b.append("1").append("0".repeat(98 + r.nextInt(4))); // 99..102 characters
                case 4 -> b.append("-1.").append("5".repeat(96 + r.nextInt(4))); // 99..102 characters
                case 5 ->
                    b.append(new String[] {"1.", "-.5", "1.e5", "0.e1", "1e.5", "01", "1..2", ".5"}[r.nextInt(8)]);
                case 6 -> b.append("2.5E+").append(r.nextInt(400));
                default -> b.append(r.nextLong());
            }
        }
    }
}
