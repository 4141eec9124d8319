package io.statestore.migrate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

class StrictReaderTest {

    private static String code(String s) {
        return code(s.getBytes(StandardCharsets.UTF_8));
    }

    private static String code(byte[] b) {
        return StrictReader.parse(b, "f.json").quarantineCode();
    }

    @Test
    void damagedFilesGetAReason() {
        assertEquals("empty", code(""));
        assertEquals("empty", code(" \n\t"));
        assertEquals("truncated", code("{\"a\": [1, 2"));
        assertEquals("trailing-content", code("{\"a\": 1} {\"b\": 2}"));
        assertEquals("nan-infinity", code("{\"a\": NaN}"));
        assertEquals("nan-infinity", code("{\"a\": Infinity}"));
        assertEquals("duplicate-key", code("{\"a\": 1, \"a\": 2}"));
        assertEquals("invalid-utf8", code(new byte[] {'"', (byte) 0xc3, '"'}));
        assertEquals("invalid-unicode", code("\"\\ud800\""));
        assertEquals("invalid-json", code("[01]"));
        assertEquals("invalid-json", code("[".repeat(129) + "]".repeat(129)));
        byte[] tooLarge = new byte[16 * 1024 * 1024 + 1];
        java.util.Arrays.fill(tooLarge, (byte) ' ');
        tooLarge[0] = '1';
        assertEquals("too-large", code(tooLarge));
    }

    @Test
    void bomIsStrippedAndReportedAndNumbersStayExact() {
        byte[] body =
                "{\"id\": 18446744073709551615, \"x\": 1.50, \"e\": [], \"o\": {}}".getBytes(StandardCharsets.UTF_8);
        byte[] withBom = new byte[body.length + 3];
        withBom[0] = (byte) 0xef;
        withBom[1] = (byte) 0xbb;
        withBom[2] = (byte) 0xbf;
        System.arraycopy(body, 0, withBom, 3, body.length);
        SourceFile f = StrictReader.parse(withBom, "f.json");
        assertFalse(f.quarantined());
        assertTrue(f.bomStripped());
        assertEquals("{\"id\":18446744073709551615,\"x\":1.50,\"e\":[],\"o\":{}}", f.text());
    }

    /** Issue 17: the reason a person reads names the file and the place, in our words, as the CLI does. */
    @Test
    void quarantineReasonsAreOurWordsWithLineAndColumn() {
        List<String> library = List.of(
                "com.fasterxml",
                "Jackson",
                "jackson",
                "Unrecognized token",
                "Source: REDACTED",
                "StreamReadFeature",
                "DeserializationFeature",
                "Input length",
                "Exception",
                "JsonNode");
        java.util.Map<String, String> expected = new java.util.LinkedHashMap<>();
        expected.put("{\n  \"a\": hello\n}", "line 2, column 8");
        expected.put("{\"a\": 1}\n{}", "content after the value");
        expected.put("[1,\n  {\"a\": 1\n", "the object opened at line 2, column 3 is not closed");
        for (var e : expected.entrySet()) {
            SourceFile f = StrictReader.parse(e.getKey().getBytes(StandardCharsets.UTF_8), "legacy/f.json");
            assertTrue(f.quarantined(), e.getKey());
            String reason = f.quarantineReason();
            assertTrue(reason.contains("legacy/f.json"), reason);
            assertTrue(reason.contains(e.getValue()), reason);
            library.forEach(w -> assertFalse(reason.contains(w), w + " in: " + reason));
        }
        SourceFile latin1 =
                StrictReader.parse(new byte[] {'{', '"', 'a', '"', ':', '"', (byte) 0xe9, '"', '}'}, "f.json");
        assertEquals("invalid-utf8", latin1.quarantineCode());
        assertTrue(latin1.quarantineReason().contains("not valid UTF-8 at byte offset 6"), latin1.quarantineReason());
        library.forEach(
                w -> assertFalse(latin1.quarantineReason().contains(w), w + " in: " + latin1.quarantineReason()));
    }
}
