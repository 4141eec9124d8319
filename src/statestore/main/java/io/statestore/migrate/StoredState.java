package io.statestore.migrate;

import com.fasterxml.jackson.databind.JsonNode;
import io.statestore.client.InvalidInputException;
import io.statestore.client.StrictJson;

/**
 * A document as the store holds it right now: its text (null when absent), its revision
 * (the tombstone's when deleted, 0 when never written), the writer named in its metadata (null
 * when none), or the error reading it gave.
 */
public record StoredState(String key, String text, long revision, String error, String writer) {

    public StoredState(String key, String text, long revision, String error) {
        this(key, text, revision, error, null);
    }

    public boolean exists() {
        return text != null;
    }

    /** Whether the document holds exactly the file's document (text, or else the parsed value). */
    public boolean holds(SourceFile file) {
        if (text == null || file.json() == null) {
            return false;
        }
        if (text.equals(file.text())) {
            return true;
        }
        try {
            JsonNode stored = StrictJson.parse(text, "document \"" + key + "\"");
            return stored.equals(file.json()) && StrictJson.write(stored).equals(file.text());
        } catch (InvalidInputException e) {
            return false;
        }
    }
}
