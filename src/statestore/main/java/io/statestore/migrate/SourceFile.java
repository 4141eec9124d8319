package io.statestore.migrate;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * One legacy file as read: its content hash (of the bytes on disk), and, parsed on first use,
 * either the document with its canonical text or the reason it is quarantined. Files whose
 * hash the ledger already holds are never parsed.
 */
public final class SourceFile {
    private final String path;
    private final String sha256;
    private final long size;
    private byte[] bytes;
    private Parsed parsed;

    private record Parsed(JsonNode json, String text, boolean bomStripped, String code, String reason) {}

    SourceFile(String path, String sha256, byte[] bytes) {
        this.path = path;
        this.sha256 = sha256;
        this.size = bytes.length;
        this.bytes = bytes;
    }

    public String path() {
        return path;
    }

    public String sha256() {
        return sha256;
    }

    public long size() {
        return size;
    }

    /** Parses the content now (idempotent); returns this. */
    public synchronized SourceFile parse() {
        if (parsed == null) {
            StrictReader.Result r = StrictReader.parseContent(bytes, path);
            parsed = new Parsed(r.json(), r.text(), r.bomStripped(), r.code(), r.reason());
            bytes = null;
        }
        return this;
    }

    public JsonNode json() {
        return parse().parsed.json();
    }

    public String text() {
        return parse().parsed.text();
    }

    public boolean bomStripped() {
        return parse().parsed.bomStripped();
    }

    public boolean quarantined() {
        return quarantineCode() != null;
    }

    public String quarantineCode() {
        return parse().parsed.code();
    }

    public String quarantineReason() {
        return parse().parsed.reason();
    }
}
