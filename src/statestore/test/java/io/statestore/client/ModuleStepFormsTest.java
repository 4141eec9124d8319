package io.statestore.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.statestore.testing.RedisServerExtension;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import redis.clients.jedis.Jedis;

/**
 * {@code ss_jwrite} (positional, with a fast path for plain in-place updates) and {@code ss_jop}
 * (named options, the general path) must leave exactly the same state behind: document, TTL,
 * metadata, feed entries, history, replies and errors. Each call runs on document "a" through
 * ss_jop and on document "b" through ss_jwrite, and the two states are compared with the key
 * names and times taken out.
 */
class ModuleStepFormsTest {
    @RegisterExtension
    static RedisServerExtension redis = RedisServerExtension.module();

    private static final String[] ARG_NAMES = {
        "op", "change", "ifrev", "wid", "writer", "feedmax", "mode", "histmax", "histage", "src"
    };

    private Jedis j;

    @BeforeEach
    void fresh() {
        j = redis.flushedWithLibraries();
    }

    private String call(String function, String doc, List<String> args) {
        try {
            Object r = j.fcall(function, DocumentState.callKeys(doc), args);
            if (r instanceof List<?> l) {
                return "ok rev " + l.get(0) + (l.size() > 2 ? " value " + l.get(2) : "");
            }
            return String.valueOf(r);
        } catch (redis.clients.jedis.exceptions.JedisDataException e) {
            return e.getMessage();
        }
    }

    /** Runs one call both ways; returns both replies (or error texts) with the key names replaced. */
    private List<String> both(Map<String, String> opts, String... steps) {
        List<String> named = new ArrayList<>();
        opts.forEach((k, v) -> {
            named.add(k);
            named.add(v);
        });
        named.add("--");
        named.addAll(Arrays.asList(steps));
        List<String> positional = new ArrayList<>();
        for (String name : ARG_NAMES) {
            positional.add(opts.getOrDefault(name, name.equals("mode") ? "json" : ""));
        }
        positional.addAll(Arrays.asList(steps));
        String a = call("ss_jop", "a", named);
        String b = call("ss_jwrite", "b", positional);
        return List.of(a.replace("\"a\"", "DOC"), b.replace("\"b\"", "DOC"));
    }

    private void same(Map<String, String> opts, String... steps) {
        List<String> r = both(opts, steps);
        String what = opts + " " + Arrays.toString(steps);
        assertEquals(r.get(0), r.get(1), "replies of ss_jop and ss_jwrite for " + what);
        assertEquals(DocumentState.of(j, "a"), DocumentState.of(j, "b"), "state after " + what);
    }

    /** Writes the same whole document to both keys (ss_put), with an optional TTL. */
    private void putBoth(String doc, String mode, String ttl) {
        for (String d : List.of("a", "b")) {
            List<String> args = new ArrayList<>(List.of("doc", doc, "mode", mode, "writer", "setup"));
            if (ttl != null) {
                args.addAll(List.of("ttl", ttl));
            }
            j.fcall("ss_put", DocumentState.callKeys(d), args);
        }
    }

    private static Map<String, String> opts(String... kv) {
        Map<String, String> m = new LinkedHashMap<>();
        for (int i = 0; i < kv.length; i += 2) {
            m.put(kv[i], kv[i + 1]);
        }
        return m;
    }

    private static final String[] MERGE = {
        "obj",
        "$",
        "$",
        "obj",
        "$.status",
        "$",
        "set",
        "$.status.state",
        "$.status",
        "m",
        "\"busy\"",
        "set",
        "$.status.attempt",
        "$.status",
        "m",
        "3",
        "set",
        "$.seq",
        "$",
        "m",
        "7",
        "del",
        "$.gone"
    };

    @Test
    void creationsMergesAndIncrementsMatch() {
        same(
                opts("ifrev", "0", "writer", "w1", "op", "merge", "change", "{\"seq\":1}"),
                "obj",
                "$",
                "$",
                "set",
                "$.seq",
                "$",
                "m",
                "1");
        same(opts("writer", "w1", "op", "merge", "change", "{}", "feedmax", "100", "wid", "w-1"), MERGE);
        same(opts("writer", "w1", "op", "merge", "change", "{}", "ifrev", "2"), MERGE); // the nested object exists now
        same(opts("op", "increment", "change", "[1]"), "incr", "$.seq", "5");
        same(opts("op", "increment", "change", "[1]", "src", "test-suite"), "incr", "$.seq", "1.5");
        same(opts("op", "set"), "set", "$.list", "$", "m", "[1,2,3]");
        same(opts("op", "append"), "append", "$.list", "3", "4");
        same(opts("op", "set"), "set", "$.list[0]", "$.list", "0", "9"); // an index: general path
        same(opts("op", "remove"), "rm", "$.list");
        same(
                opts("op", "merge"),
                "obj",
                "$",
                "$",
                "obj",
                "$.seq",
                "$",
                "set",
                "$.seq.n",
                "$.seq",
                "m",
                "1"); // scalar -> {}
        same(opts("op", "merge", "writer", "", "change", ""), "del", "$.missing", "obj", "$", "$");
    }

    /**
     * A merge's change (what the feed entry carries) is checked by both forms, whether or not it
     * is the patch its steps spell, with the same error and nothing written; the fast path's
     * cheaper error words and its type read-ahead for {@code obj $} change no outcome.
     */
    @Test
    void aMergesChangeIsCheckedByBothForms() {
        putBoth("{\"seq\":1,\"status\":{\"state\":\"idle\"},\"gone\":true}", "json", null);
        String spelled = "{\"status\":{\"state\":\"busy\",\"attempt\":3},\"seq\":7,\"gone\":null}";
        List<String> r = both(opts("op", "merge", "change", spelled), MERGE);
        assertEquals(List.of("ok rev 2", "ok rev 2"), r);
        assertEquals(DocumentState.of(j, "a"), DocumentState.of(j, "b"));
        assertTrue(j.xrevrange("ss:feed", "+", "-", 1).get(0).getFields().containsValue(spelled));

        same(opts("op", "merge", "change", "{\"seq\":7,\"seq\":7}"), MERGE); // not the spelled patch
        assertTrue(both(opts("op", "merge", "change", "{\"seq\":7,\"seq\":7}"), MERGE)
                .get(1)
                .startsWith("SS_JSON change of DOC: duplicate member name"));
        same(opts("op", "merge", "change", "{\"seq\":"), MERGE);
        // steps naming one member twice spell a patch with a duplicate name: checked, refused
        String[] twice = {"obj", "$", "$", "set", "$.seq", "$", "m", "1", "set", "$.seq", "$", "m", "2"};
        same(opts("op", "merge", "change", "{\"seq\":1,\"seq\":2}"), twice);
        assertTrue(both(opts("op", "merge", "change", "{\"seq\":1,\"seq\":2}"), twice)
                .get(1)
                .startsWith("SS_JSON"));
        // container values and other spellings of the same patch take the check, and pass it
        same(opts("op", "merge", "change", "{\"list\":[1,2]}"), "obj", "$", "$", "set", "$.list", "$", "m", "[1,2]");
        same(opts("op", "merge", "change", "{ \"seq\": 8 }"), "obj", "$", "$", "set", "$.seq", "$", "m", "8");
        // a patch nested deeper than the JSON rules allow is refused even when the steps spell it
        List<String> deep = new ArrayList<>(List.of("obj", "$", "$"));
        StringBuilder path = new StringBuilder("$");
        StringBuilder change = new StringBuilder("{");
        for (int i = 0; i < 128; i++) {
            String parent = path.toString();
            path.append(".d");
            deep.addAll(List.of("obj", path.toString(), parent));
            change.append("\"d\":{");
        }
        change.append("}".repeat(129));
        // the read-ahead of obj $ from obj $.member: a root that is an array or a scalar has no
        // member, so the root's own type is read and it becomes an object, on both paths
        putBoth("[1,{\"status\":{}}]", "json", "600000");
        same(opts("op", "merge"), MERGE);
        putBoth("\"text\"", "json", null);
        same(opts("op", "merge"), MERGE);
        putBoth("{\"status\":5}", "json", null);
        same(opts("op", "merge"), MERGE); // the member exists but is no object: replaced, root kept
        List<String> tooDeep = both(opts("op", "merge", "change", change.toString()), deep.toArray(new String[0]));
        assertEquals(tooDeep.get(0), tooDeep.get(1));
        assertTrue(tooDeep.get(1).startsWith("SS_JSON change of DOC: nested deeper than 128 levels"), tooDeep.get(1));
        assertEquals(DocumentState.of(j, "a"), DocumentState.of(j, "b"));
    }

    @Test
    void aTtlIsKeptByEveryKindOfStep() {
        putBoth("{\"seq\":1,\"status\":{\"state\":\"idle\"}}", "json", "600000");
        same(opts("op", "merge", "change", "{}"), MERGE);
        same(opts("op", "increment"), "incr", "$.seq", "1");
        same(opts("op", "set"), "root", "{\"seq\":1}"); // root replacement: general path puts the TTL back
        putBoth("[1,2]", "json", "600000");
        same(opts("op", "merge"), "obj", "$", "$", "set", "$.x", "$", "m", "1"); // array root -> {}: keeps the TTL
        assertTrue(j.pttl("b") > 0);
    }

    @Test
    void errorsMatchAndWriteNothing() {
        putBoth("{\"seq\":1,\"s\":\"text\",\"o\":{}}", "json", null);
        same(opts(), "set", "$.x.y", "$.x", "m", "1"); // parent missing
        same(opts(), "set", "$.s.y", "$.s", "m", "1"); // parent not an object
        same(opts(), "obj", "$.s.y", "$.s"); // parent not an object
        same(opts(), "incr", "$.s", "1"); // not a number
        same(opts(), "incr", "$.missing", "1");
        same(opts(), "incr", "$.seq", "x");
        same(opts(), "rm", "$.missing");
        same(opts(), "append", "$.o", "0", "1");
        same(opts(), "append", "$.o", "-1", "1");
        same(opts("ifrev", "7"), MERGE);
        same(opts("ifrev", "x"), MERGE);
        same(opts("mode", "xml"), MERGE);
        same(opts("feedmax", "lots"), MERGE);
        same(opts("histmax", "-1"), MERGE);
        same(opts(), "bogus", "$.x");
        same(opts(), "set", "$.x", "$", "m");
        same(opts());
        same(opts(), "set", "$.seq", "$", "m", "2", "incr", "$.s", "1"); // the second step fails: nothing written
        String wrongCount = call("ss_jwrite", "b", List.of("merge"));
        assertTrue(wrongCount.startsWith("SS_INVALID ss_jwrite expects 10 arguments"), wrongCount);
        assertEquals(1, j.xlen("ss:feed") / 2, "only the setup writes");
    }

    @Test
    void absentDeletedStringAndForeignDocumentsMatch() {
        same(opts(), MERGE); // absent: a merge starting with obj $ $ creates the document
        same(opts(), "incr", "$.seq", "1");
        for (String d : List.of("a", "b")) {
            j.fcall("ss_del", DocumentState.callKeys(d), List.of("writer", "w"));
        }
        same(opts(), "incr", "$.seq", "1"); // tombstone
        same(opts(), MERGE); // re-creation after a tombstone
        putBoth("{\"seq\":1}", "string", null);
        for (String d : List.of("a", "b")) {
            j.del(d);
            j.fcall("ss_put", DocumentState.callKeys(d), List.of("doc", "{\"seq\":1}", "mode", "string"));
        }
        same(opts(), "incr", "$.seq", "1"); // SS_STRINGDOC
        for (String d : List.of("a", "b")) {
            j.del(d);
            j.hset(d, "f", "v");
        }
        same(opts(), "incr", "$.seq", "1"); // SS_WRONGTYPE
    }

    @Test
    void historyResendsAndExpiriesMatch() throws InterruptedException {
        putBoth("{\"seq\":1,\"status\":{}}", "json", null);
        same(opts("histmax", "3"), MERGE);
        same(opts("histmax", "3", "histage", "60000"), "incr", "$.seq", "1");
        j.fcall("ss_hpolicy_set", List.of("ss:histpolicy"), List.of("*", "2", "0"));
        same(opts(), MERGE);
        same(opts(), "incr", "$.seq", "1");
        j.fcall("ss_hpolicy_set", List.of("ss:histpolicy"), List.of("*", "0", "0"));
        same(opts(), "incr", "$.seq", "1"); // drops what the older rule kept
        assertEquals(0, j.xlen("ss:h:{b}"));
        same(opts("wid", "w-9"), "incr", "$.seq", "1");
        same(opts("wid", "w-9"), "incr", "$.seq", "1"); // a re-send: answered, not applied
        for (String d : List.of("a", "b")) {
            j.pexpire(d, 20);
        }
        Thread.sleep(60); // no timing is asserted: the keys only have to be gone
        j.exists("a");
        j.exists("b");
        same(opts(), MERGE); // the expiry is committed first, then the merge creates
    }
}
