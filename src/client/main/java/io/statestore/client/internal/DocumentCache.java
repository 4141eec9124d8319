package io.statestore.client.internal;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The last version of each document this client wrote, so the next computed update of it
 * (portable mode) can go straight to a compare-and-set without reading first. A stale entry is
 * harmless: the revision check refuses the write, the entry is dropped, and the update re-reads.
 * Bounded by entries and by the documents' text size; least recently used entries go first.
 */
final class DocumentCache {
    static final int MAX_ENTRIES = 1024;
    static final long MAX_CHARS = 32L * 1024 * 1024;
    static final int MAX_DOCUMENT_CHARS = 1024 * 1024;

    record Entry(long revision, JsonNode document, int chars) {}

    private final LinkedHashMap<String, Entry> entries = new LinkedHashMap<>(64, 0.75f, true);
    private long chars;

    synchronized Entry get(String key) {
        return entries.get(key);
    }

    /** Remembers a committed version; {@code document} must not be shared with callers. */
    synchronized void put(String key, long revision, JsonNode document, int textLength) {
        remove(key);
        if (textLength > MAX_DOCUMENT_CHARS) {
            return;
        }
        entries.put(key, new Entry(revision, document, textLength));
        chars += textLength;
        Iterator<Map.Entry<String, Entry>> oldest = entries.entrySet().iterator();
        while ((entries.size() > MAX_ENTRIES || chars > MAX_CHARS) && oldest.hasNext()) {
            chars -= oldest.next().getValue().chars();
            oldest.remove();
        }
    }

    synchronized void remove(String key) {
        Entry e = entries.remove(key);
        if (e != null) {
            chars -= e.chars();
        }
    }
}
