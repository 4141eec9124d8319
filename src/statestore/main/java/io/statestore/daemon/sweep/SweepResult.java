package io.statestore.daemon.sweep;

import java.util.LinkedHashMap;
import java.util.Map;

/** Counts of one retention sweep. */
public record SweepResult(int scanned, int deleted, int archived, int ttlApplied, int reaped, int skipped) {
    public Map<String, Object> figures() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("scanned", scanned);
        m.put("deleted", deleted);
        m.put("archived", archived);
        m.put("ttl_applied", ttlApplied);
        m.put("reaped", reaped);
        m.put("skipped", skipped);
        return m;
    }
}
