package io.statestore.client;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;

/**
 * The shared corpus of valid and invalid JSON documents, src/statestore/test/resources/json-corpus/corpus.tsv
 * (its header says the format). Inputs are built when asked for: a few are 16 MiB.
 */
final class JsonCorpus {
    static final String RESOURCE = "/json-corpus/corpus.tsv";
    static final Set<String> PROBLEMS = Set.of(
            "syntax",
            "trailing",
            "number",
            "duplicate",
            "utf8",
            "surrogate",
            "control",
            "depth",
            "number-length",
            "size",
            "empty",
            "bom",
            "nul");
    static final int SHOWN_UP_TO = 300;

    /** One entry; {@code problem} is null for a valid one. */
    record Entry(int line, String name, boolean valid, String problem, String input, String shown) {
        /** The input bytes: each part's hex bytes, repeated when the part ends with *N. */
        byte[] bytes() {
            if (input.equals("-")) {
                return new byte[0];
            }
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            for (String part : input.split(" ")) {
                int star = part.indexOf('*');
                byte[] b = HexFormat.of().parseHex(star < 0 ? part : part.substring(0, star));
                int times = star < 0 ? 1 : Integer.parseInt(part.substring(star + 1));
                for (int i = 0; i < times; i++) {
                    out.write(b, 0, b.length);
                }
            }
            return out.toByteArray();
        }

        @Override
        public String toString() {
            return name + (valid ? " (valid)" : " (invalid: " + problem + ")");
        }
    }

    private JsonCorpus() {}

    static List<Entry> entries() {
        List<Entry> entries = new ArrayList<>();
        String[] lines = text().split("\n", -1);
        for (int i = 0; i < lines.length; i++) {
            String line = lines[i];
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            String[] c = line.split("\t", -1);
            if (c.length != 5) {
                throw new IllegalStateException(RESOURCE + " line " + (i + 1)
                        + ": 5 tab-separated columns expected, found " + c.length + ": " + line);
            }
            boolean valid = switch (c[1]) {
                case "valid" -> true;
                case "invalid" -> false;
                default ->
                    throw new IllegalStateException(
                            RESOURCE + " line " + (i + 1) + ": verdict must be valid or invalid: " + c[1]);
            };
            entries.add(new Entry(i + 1, c[0], valid, valid ? null : c[2], c[3], c[4]));
        }
        return entries;
    }

    /** The bytes as the shown column writes them: printable ASCII as it is, other bytes as \xNN. */
    static String render(byte[] bytes) {
        StringBuilder b = new StringBuilder();
        for (byte x : bytes) {
            int c = x & 0xFF;
            if (c >= 0x20 && c <= 0x7E) {
                b.append((char) c);
            } else {
                b.append(String.format("\\x%02x", c));
            }
        }
        return b.toString();
    }

    private static String text() {
        try (InputStream in = JsonCorpus.class.getResourceAsStream(RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException(RESOURCE + " is not on the test classpath");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
