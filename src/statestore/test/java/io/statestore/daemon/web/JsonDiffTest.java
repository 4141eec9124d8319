package io.statestore.daemon.web;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The history diff's paths: the deepest that changed, in the JSONPath the rest of statestore uses. */
class JsonDiffTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    private static List<String> diff(String before, String after) throws Exception {
        return JsonDiff.between(
                        before == null ? null : JSON.readTree(before), after == null ? null : JSON.readTree(after))
                .stream()
                .map(c -> c.kind() + " " + c.path())
                .toList();
    }

    @Test
    void nestedMembersAndArrayElementsAreNamedByTheirOwnPath() throws Exception {
        assertEquals(
                List.of("changed $.a.b", "removed $.list[2]", "added $.new"),
                diff(
                        "{\"a\":{\"b\":1,\"c\":2},\"list\":[1,2,3]}",
                        "{\"a\":{\"b\":5,\"c\":2},\"list\":[1,2],\"new\":null}"));
    }

    @Test
    void equalValuesGiveNoChangeAndNumbersCompareByValue() throws Exception {
        assertEquals(
                List.of(),
                diff("{\"n\":1,\"s\":\"x\",\"l\":[{\"k\":true}]}", "{\"l\":[{\"k\":true}],\"s\":\"x\",\"n\":1.0}"));
    }

    @Test
    void aChangeOfTypeIsOneChangeAtThatPath() throws Exception {
        assertEquals(List.of("changed $.v"), diff("{\"v\":{\"deep\":1}}", "{\"v\":[1]}"));
        assertEquals(List.of("changed $"), diff("1", "\"one\""));
    }

    @Test
    void namesThatAreNotIdentifiersAreQuoted() throws Exception {
        assertEquals(
                List.of("added $['a b']", "added $['it\\'s']", "added $['x.y']"),
                diff("{}", "{\"a b\":1,\"it's\":2,\"x.y\":3}"));
    }

    @Test
    void aDeletionsVersionHasNoDocument() throws Exception {
        assertEquals(List.of("removed $"), diff("{\"a\":1}", null));
        assertEquals(List.of("added $"), diff(null, "{\"a\":1}"));
        assertEquals(List.of(), diff(null, null));
    }
}
