package io.statestore.daemon.series;

import java.util.LinkedHashMap;
import java.util.Map;

/** What one run of the sampling job did: the figures recorded in the status hash. */
public record SampleRun(int sampled, int skippedMissing, int skippedNotNumeric, int failed, int maintained) {
    public int skipped() {
        return skippedMissing + skippedNotNumeric;
    }

    public Map<String, Object> figures() {
        Map<String, Object> f = new LinkedHashMap<>();
        f.put("sampled", sampled);
        f.put("skipped_missing", skippedMissing);
        f.put("skipped_not_numeric", skippedNotNumeric);
        f.put("failed", failed);
        f.put("maintained", maintained);
        return f;
    }
}
