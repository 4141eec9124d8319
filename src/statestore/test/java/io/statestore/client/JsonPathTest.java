package io.statestore.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class JsonPathTest {

    @Test
    void parsesDottedBracketedAndIndexedSegments() {
        JsonPath p = JsonPath.parse("$.a[\"x.y\"]['q\\'s'][3]");
        assertEquals(
                List.of(
                        new JsonPath.Member("a"),
                        new JsonPath.Member("x.y"),
                        new JsonPath.Member("q's"),
                        new JsonPath.Index(3)),
                p.segments());
        assertEquals("$.a[\"x.y\"][\"q's\"][3]", p.toString());
        assertEquals(p, JsonPath.parse(p.toString()));
        assertTrue(JsonPath.parse("$").isRoot());
        assertEquals("$.a[\"x.y\"][\"q's\"]", p.parent().toString());
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "a.b", "$.", "$..a", "$.a b", "$[", "$[-1]", "$[\"open", "$.*", "$[1:2]", "$.1a"})
    void rejectsPathsOutsideTheSubset(String text) {
        InvalidInputException e = assertThrows(InvalidInputException.class, () -> JsonPath.parse(text));
        assertTrue(e.getMessage().startsWith("invalid path"), e.getMessage());
    }
}
