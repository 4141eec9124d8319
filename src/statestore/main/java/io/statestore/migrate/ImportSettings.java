package io.statestore.migrate;

import java.nio.file.Path;
import java.time.Duration;

/**
 * Everything one import run needs besides the Redis connection. {@code overwriteLiveChanges}:
 * replace documents changed in the store since this migration imported them (default: leave
 * them alone and report them as {@link Action#CHANGED_IN_STORE}).
 */
public record ImportSettings(
        Path from,
        Mapping mapping,
        OnExisting onExisting,
        boolean dryRun,
        Path quarantineDir,
        Path archiveDir,
        int batchSize,
        Duration batchPause,
        boolean overwriteLiveChanges) {

    public ImportSettings {
        if (batchSize < 1) {
            throw new IllegalArgumentException("batch size must be at least 1, got " + batchSize);
        }
    }

    public ImportSettings(
            Path from,
            Mapping mapping,
            OnExisting onExisting,
            boolean dryRun,
            Path quarantineDir,
            Path archiveDir,
            int batchSize,
            Duration batchPause) {
        this(from, mapping, onExisting, dryRun, quarantineDir, archiveDir, batchSize, batchPause, false);
    }
}
