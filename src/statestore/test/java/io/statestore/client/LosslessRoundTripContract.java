package io.statestore.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.statestore.testing.TestRedis;
import java.math.BigDecimal;
import java.util.Iterator;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.UnifiedJedis;

/**
 * Generated documents survive a write and a read exactly. Portable mode is byte-exact
 * (the stored string is the client's compact text); module mode is exact as the module keeps
 * values (docs/json.md): same structure, key order, strings, and numbers of equal value.
 */
public abstract class LosslessRoundTripContract {
    static final int DOCUMENTS = 3000;

    protected abstract TestRedis redis();

    @Test
    void generatedDocumentsRoundTripExactly() {
        redis().flushAll();
        StateStore store = redis().newStore();
        long seed = Long.getLong("statestore.seed", System.nanoTime());
        Random random = new Random(seed);
        JsonGenerator gen = new JsonGenerator(random);
        UnifiedJedis jedis = redis().commands();
        for (int i = 0; i < DOCUMENTS; i++) {
            String text = gen.document(i % 100 == 0 ? 60 : 6);
            JsonNode written = StrictJson.parse(text);
            String canonical = StrictJson.write(written);
            String key = "doc:" + (i % 50);
            store.put(key, written);
            JsonNode read = store.get(key).orElseThrow().value();
            String context = "seed " + seed + ", document " + i + ": " + canonical;
            if (redis().moduleMode()) {
                assertSameValue(written, read, context);
            } else {
                assertEquals(canonical, jedis.get(key), context);
                assertEquals(canonical, StrictJson.write(read), context);
            }
        }
    }

    @Test
    void knownHardValuesSurvive() {
        redis().flushAll();
        StateStore store = redis().newStore();
        String text = "{\"snowflake_id\":1234567890123456789,\"max\":9223372036854775807,\"min\":-9223372036854775808,"
                + "\"above53\":9007199254740993,\"below53\":9007199254740991,\"sum\":0.30000000000000004,"
                + "\"empty\":[],\"emptyObj\":{},\"nested\":[[],[{}],{\"a\":[]}],\"astral\":\"\\ud83d\\ude00 \\u00e9 \\u4e2d\","
                + "\"ctl\":\"a\\u0001b\\tc\\nd\\\"q\\\\\",\"z\":1,\"a\":2}";
        JsonNode doc = StrictJson.parse(text);
        store.put("hard", doc);
        JsonNode back = store.get("hard").orElseThrow().value();
        assertEquals(StrictJson.write(doc), StrictJson.write(back));
        assertEquals(1234567890123456789L, back.get("snowflake_id").longValue());
        assertTrue(back.get("empty").isArray() && back.get("empty").isEmpty());
        Iterator<String> names = back.fieldNames();
        assertEquals("snowflake_id", names.next());
        store.merge("hard", Map.of("added", 1));
        store.increment("hard", "$.below53", 1);
        JsonNode after = store.get("hard").orElseThrow().value();
        assertEquals(9007199254740992L, after.get("below53").longValue());
        assertEquals(9007199254740993L, after.get("above53").longValue());
        assertTrue(after.get("nested").get(0).isArray()
                && after.get("nested").get(0).isEmpty());
        assertEquals("{}", after.get("emptyObj").toString());
    }

    static void assertSameValue(JsonNode expected, JsonNode actual, String context) {
        if (expected.isNumber() && actual.isNumber()) {
            BigDecimal e = expected.decimalValue();
            BigDecimal a = actual.decimalValue();
            boolean same = e.compareTo(a) == 0 || expected.doubleValue() == actual.doubleValue();
            assertTrue(same, context + ": number " + expected + " came back as " + actual);
            return;
        }
        assertEquals(expected.getNodeType(), actual.getNodeType(), context);
        if (expected.isObject()) {
            assertEquals(
                    iterToString(expected.fieldNames()), iterToString(actual.fieldNames()), context + ": key order");
            expected.fields().forEachRemaining(f -> assertSameValue(f.getValue(), actual.get(f.getKey()), context));
        } else if (expected.isArray()) {
            assertEquals(expected.size(), actual.size(), context);
            for (int i = 0; i < expected.size(); i++) {
                assertSameValue(expected.get(i), actual.get(i), context);
            }
        } else {
            assertEquals(expected, actual, context);
        }
    }

    private static String iterToString(Iterator<String> it) {
        StringBuilder sb = new StringBuilder();
        it.forEachRemaining(s -> sb.append(s).append('\u0000'));
        return sb.toString();
    }

    /** Random JSON text rich in the values JSON stores get wrong. */
    static final class JsonGenerator {
        private static final String[] NUMBERS = {
            "0",
            "-1",
            "1",
            "9007199254740992",
            "9007199254740993",
            "-9007199254740993",
            "9007199254740991",
            "9223372036854775807",
            "-9223372036854775808",
            "9223372036854775806",
            "0.30000000000000004",
            "1.0",
            "100.50",
            "1e-7",
            "6.02214076e23",
            "-2.5E-3",
            "123456789012345",
            "1.7976931348623157e308",
            "4.9e-324",
            "0.1",
            "-0.0",
            "3.141592653589793"
        };
        private static final String[] STRINGS = {
            "",
            "plain",
            "é",
            "中文",
            "\\ud83d\\ude00",
            "\\ud834\\udd1e",
            "\\u0000",
            "\\u001f",
            "tab\\there",
            "quote\\\"d",
            "back\\\\slash",
            "slash\\/",
            "line\\nbreak",
            "\\u2028",
            "\\uffff",
            "emoji 🎉",
            "mixed é\\u00e9"
        };
        private final Random random;

        JsonGenerator(Random random) {
            this.random = random;
        }

        String document(int depth) {
            StringBuilder sb = new StringBuilder();
            object(sb, depth);
            return sb.toString();
        }

        private void value(StringBuilder sb, int depth) {
            int pick = random.nextInt(depth <= 0 ? 4 : 7);
            switch (pick) {
                case 0 -> sb.append(NUMBERS[random.nextInt(NUMBERS.length)]);
                case 1 -> string(sb);
                case 2 -> sb.append(random.nextBoolean() ? (random.nextBoolean() ? "true" : "false") : "null");
                case 3 -> sb.append(random.nextLong());
                case 4, 5 -> {
                    if (random.nextInt(4) == 0) {
                        sb.append(random.nextBoolean() ? "[]" : "{}");
                    } else if (random.nextBoolean()) {
                        array(sb, depth - 1);
                    } else {
                        object(sb, depth - 1);
                    }
                }
                default -> sb.append(random.nextBoolean() ? "[]" : "{}");
            }
        }

        private void array(StringBuilder sb, int depth) {
            sb.append('[');
            int n = random.nextInt(5);
            for (int i = 0; i < n; i++) {
                if (i > 0) {
                    sb.append(',');
                }
                value(sb, depth);
            }
            sb.append(']');
        }

        private void object(StringBuilder sb, int depth) {
            sb.append('{');
            int n = depth > 20 ? 1 : random.nextInt(6);
            for (int i = 0; i < n; i++) {
                if (i > 0) {
                    sb.append(',');
                }
                sb.append('"').append(i).append('_');
                sb.append(STRINGS[random.nextInt(STRINGS.length)]).append("\":");
                if (depth > 20) {
                    object(sb, depth - 1);
                } else {
                    value(sb, depth);
                }
            }
            sb.append('}');
        }

        private void string(StringBuilder sb) {
            sb.append('"');
            int parts = random.nextInt(4);
            for (int i = 0; i < parts; i++) {
                sb.append(STRINGS[random.nextInt(STRINGS.length)]);
            }
            sb.append('"');
        }
    }
}
