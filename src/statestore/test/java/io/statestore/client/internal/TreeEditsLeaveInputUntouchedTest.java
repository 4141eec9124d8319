package io.statestore.client.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

import com.fasterxml.jackson.databind.JsonNode;
import io.statestore.client.JsonPath;
import io.statestore.client.StrictJson;
import org.junit.jupiter.api.Test;

/** Merge and path edits copy only what they change: the input (a kept version) must never change. */
class TreeEditsLeaveInputUntouchedTest {
    private static final String DOC = "{\"a\":{\"b\":[1,{\"c\":2}],\"d\":{\"e\":3}},\"big\":{\"x\":[1,2,3]},\"n\":1}";

    @Test
    void mergeCopiesPatchedPathsAndSharesTheRest() {
        JsonNode doc = StrictJson.parse(DOC);
        JsonNode out = MergePatch.apply(doc, StrictJson.parse("{\"a\":{\"d\":{\"e\":4},\"new\":[]},\"n\":null}"));
        assertEquals(DOC, StrictJson.write(doc));
        assertEquals(
                "{\"a\":{\"b\":[1,{\"c\":2}],\"d\":{\"e\":4},\"new\":[]},\"big\":{\"x\":[1,2,3]}}",
                StrictJson.write(out));
        assertSame(doc.get("big"), out.get("big"));
        assertSame(doc.get("a").get("b"), out.get("a").get("b"));
    }

    @Test
    void pathEditsCopyOnlyTheirPath() {
        JsonNode doc = StrictJson.parse(DOC);
        JsonNode set = PathEditor.set("k", doc, JsonPath.parse("$.a.b[1].c"), StrictJson.parse("9"));
        JsonNode removed = PathEditor.remove("k", doc, JsonPath.parse("$.a.d"));
        JsonNode appended = PathEditor.append("k", doc, JsonPath.parse("$.big.x"), StrictJson.parse("4"), 3);
        JsonNode incremented = PathEditor.increment("k", doc, JsonPath.parse("$.a.d.e"), 1)[0];
        assertEquals(DOC, StrictJson.write(doc));
        assertEquals(9, set.get("a").get("b").get(1).get("c").asInt());
        assertEquals("{\"b\":[1,{\"c\":2}]}", StrictJson.write(removed.get("a")));
        assertEquals("[2,3,4]", StrictJson.write(appended.get("big").get("x")));
        assertEquals(4, incremented.get("a").get("d").get("e").asInt());
        assertSame(doc.get("big"), set.get("big"));
        assertSame(doc.get("a"), appended.get("a"));
    }
}
