package io.statestore.client;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/**
 * Reads one document by the one definition of valid JSON (docs/json.md): the checks in the
 * server's order (empty, size, NUL, then the bytes and the syntax), with Jackson for the syntax
 * and {@link CheckedTokens} for what Jackson does not count our way.
 */
final class DocumentReader {
    private static final String BOM = "starts with a byte order mark (U+FEFF), which JSON does not allow";

    private final ObjectMapper mapper;

    DocumentReader(ObjectMapper mapper) {
        this.mapper = mapper;
    }

    JsonNode read(byte[] utf8, String what) {
        if (utf8 == null || utf8.length == 0) {
            throw invalid(what, "empty input");
        }
        if (utf8.length > StrictJson.MAX_BYTES) {
            throw invalid(what, tooLarge(utf8.length));
        }
        for (int i = 0; i < utf8.length; i++) {
            if (utf8[i] == 0) {
                throw invalid(what, "NUL character at byte offset " + i);
            }
        }
        if (utf8.length >= 3 && utf8[0] == (byte) 0xEF && utf8[1] == (byte) 0xBB && utf8[2] == (byte) 0xBF) {
            throw invalid(what, BOM);
        }
        return readChecked(decode(utf8, what), what);
    }

    JsonNode read(String text, String what) {
        if (text == null || text.isEmpty()) {
            throw invalid(what, "empty input");
        }
        long bytes = utf8LengthBeyondLimit(text);
        if (bytes > StrictJson.MAX_BYTES) {
            throw invalid(what, tooLarge(bytes));
        }
        int nul = text.indexOf('\0');
        if (nul >= 0) {
            throw invalid(what, "NUL character at character offset " + nul);
        }
        if (text.charAt(0) == '\uFEFF') {
            throw invalid(what, BOM);
        }
        return readChecked(text, what);
    }

    private JsonNode readChecked(String text, String what) {
        if (onlyWhitespace(text)) {
            throw invalid(what, "empty input (only whitespace)");
        }
        CheckedTokens tokens = null;
        try (JsonParser p = mapper.createParser(text)) {
            tokens = new CheckedTokens(p);
            JsonNode node = mapper.readTree(tokens);
            StrictJson.requireValidUnicode(node, what);
            return node;
        } catch (JsonProcessingException e) {
            throw new InvalidInputException(
                    "invalid JSON in " + what + ": " + JsonProblems.describe(e, tokens != null && tokens.pastValue()),
                    e);
        } catch (NumberFormatException e) {
            // Valid JSON (the server's check takes it: at most 100 characters), but an exponent
            // beyond an int is more than BigDecimal, which keeps every number exactly, can hold.
            throw new InvalidInputException(
                    "cannot read " + what + ": it holds a number whose exponent is too large to keep exactly ("
                            + e.getMessage() + ")",
                    e);
        } catch (IOException e) {
            throw new UncheckedIOException("reading " + what + " from memory", e);
        }
    }

    private static String decode(byte[] utf8, String what) {
        CharsetDecoder decoder = StandardCharsets.UTF_8
                .newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT);
        ByteBuffer in = ByteBuffer.wrap(utf8);
        CharBuffer out = CharBuffer.allocate(utf8.length);
        CoderResult r = decoder.decode(in, out, true);
        if (!r.isError()) {
            r = decoder.flush(out);
        }
        if (r.isError()) {
            throw invalid(what, "not valid UTF-8 at byte offset " + in.position());
        }
        return out.flip().toString();
    }

    /**
     * The UTF-8 length of text, counted only when it could exceed the limit: a char is 1 to 3
     * bytes (a surrogate pair 4 bytes for 2 chars), so text of at most a third of the limit in
     * chars is within it, and its char length is returned instead.
     */
    private static long utf8LengthBeyondLimit(String text) {
        int chars = text.length();
        if ((long) chars * 3 <= StrictJson.MAX_BYTES) {
            return chars;
        }
        long bytes = 0;
        for (int i = 0; i < chars; i++) {
            char c = text.charAt(i);
            bytes += c < 0x80 ? 1 : c < 0x800 || Character.isSurrogate(c) ? 2 : 3;
        }
        return bytes;
    }

    private static boolean onlyWhitespace(String text) {
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c != ' ' && c != '\t' && c != '\n' && c != '\r') {
                return false;
            }
        }
        return true;
    }

    private static String tooLarge(long bytes) {
        return "larger than 16 MiB (" + bytes + " bytes of UTF-8, at most " + StrictJson.MAX_BYTES + ")";
    }

    private static InvalidInputException invalid(String what, String problem) {
        return new InvalidInputException("invalid JSON in " + what + ": " + problem);
    }
}
