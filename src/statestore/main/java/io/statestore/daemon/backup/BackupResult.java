package io.statestore.daemon.backup;

import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** One successful backup: where, how big, how checked, what rotation removed. */
public record BackupResult(
        Path file, long size, String source, String verifiedBy, Duration took, List<Path> rotatedAway) {
    public Map<String, Object> figures() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("file", file.toString());
        m.put("size", size);
        m.put("source", source);
        m.put("verified_by", verifiedBy);
        m.put("rotated", rotatedAway.size());
        return m;
    }
}
