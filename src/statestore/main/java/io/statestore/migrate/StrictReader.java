package io.statestore.migrate;

import com.fasterxml.jackson.databind.JsonNode;
import io.statestore.client.InvalidInputException;
import io.statestore.client.StrictJson;
import java.io.IOException;
import java.io.InputStream;
import java.nio.channels.Channels;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Locale;

/**
 * Reads legacy files strictly ({@link StrictJson}): damaged content is never imported but
 * classified with a short code and a reason a person can act on. A UTF-8 byte order mark is
 * stripped and reported. Files are opened without following symbolic links.
 */
public final class StrictReader {
    /** Redis strings hold at most 512 MB. */
    static final long MAX_BYTES = 512L * 1024 * 1024;

    private StrictReader() {}

    public static SourceFile read(Path file, String relativePath) throws IOException {
        byte[] bytes;
        try (InputStream in = Channels.newInputStream(
                Files.newByteChannel(file, java.util.Set.of(StandardOpenOption.READ, LinkOption.NOFOLLOW_LINKS)))) {
            bytes = in.readNBytes((int) Math.min(MAX_BYTES + 1, Integer.MAX_VALUE - 8));
        }
        return new SourceFile(relativePath, sha256(bytes), bytes);
    }

    /** A file read from memory, parsed at once. */
    public static SourceFile parse(byte[] bytes, String relativePath) {
        return new SourceFile(relativePath, sha256(bytes), bytes).parse();
    }

    /** What strict reading found: the document and its canonical text, or a quarantine code and reason. */
    record Result(
            com.fasterxml.jackson.databind.JsonNode json,
            String text,
            boolean bomStripped,
            String code,
            String reason) {}

    static Result parseContent(byte[] bytes, String relativePath) {
        String sha = null;
        if (bytes.length > MAX_BYTES) {
            return quarantine(
                    relativePath, sha, bytes.length, false, "too-large", "larger than 512 MB (the Redis string limit)");
        }
        boolean bom = bytes.length >= 3
                && (bytes[0] & 0xff) == 0xef
                && (bytes[1] & 0xff) == 0xbb
                && (bytes[2] & 0xff) == 0xbf;
        byte[] body = bom ? Arrays.copyOfRange(bytes, 3, bytes.length) : bytes;
        if (body.length >= 2
                && (((body[0] & 0xff) == 0xfe && (body[1] & 0xff) == 0xff)
                        || ((body[0] & 0xff) == 0xff && (body[1] & 0xff) == 0xfe))) {
            return quarantine(
                    relativePath,
                    sha,
                    bytes.length,
                    bom,
                    "invalid-utf8",
                    "UTF-16 byte order mark: the file is not UTF-8");
        }
        if (isBlank(body)) {
            return quarantine(
                    relativePath,
                    sha,
                    bytes.length,
                    bom,
                    "empty",
                    body.length == 0 ? "empty file" : "whitespace-only file");
        }
        try {
            JsonNode json = StrictJson.parse(body, relativePath);
            return new Result(json, StrictJson.write(json), bom, null, null);
        } catch (InvalidInputException e) {
            return quarantine(relativePath, sha, bytes.length, bom, classify(e.getMessage()), e.getMessage());
        }
    }

    private static Result quarantine(String rel, String sha, long size, boolean bom, String code, String reason) {
        return new Result(null, null, bom, code, reason);
    }

    /** A short, stable code for the report: what kind of damage this is. */
    static String classify(String message) {
        String m = message == null ? "" : message.toLowerCase(Locale.ROOT);
        if (m.contains("not valid utf-8")) {
            return "invalid-utf8";
        }
        if (m.contains("empty input")) {
            return "empty";
        }
        if (m.contains("duplicate member name")) {
            return "duplicate-key";
        }
        if (m.contains("nan") || m.contains("infinity")) {
            return "nan-infinity";
        }
        if (m.contains("input ends before the value is complete")) {
            return "truncated";
        }
        if (m.contains("content after the value")) {
            return "trailing-content";
        }
        if (m.contains("surrogate")) {
            return "invalid-unicode";
        }
        if (m.contains("larger than 16 mib")) {
            return "too-large";
        }
        return "invalid-json";
    }

    private static boolean isBlank(byte[] b) {
        for (byte x : b) {
            if (x != ' ' && x != '\n' && x != '\r' && x != '\t') {
                return false;
            }
        }
        return true;
    }

    public static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is not available", e);
        }
    }
}
