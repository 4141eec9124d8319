package io.statestore.migrate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
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
        byte[] body = "{\"id\": 18446744073709551615, \"x\": 1.50, \"e\": [], \"o\": {}}".getBytes(StandardCharsets.UTF_8);
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
}
