package io.statestore.migrate;

import java.nio.file.Path;
import java.time.Duration;

/** Everything one import run needs besides the Redis connection. */
public record ImportSettings(Path from, Mapping mapping, OnExisting onExisting, boolean dryRun, Path quarantineDir,
                             Path archiveDir, int batchSize, Duration batchPause) {

    public ImportSettings {
        if (batchSize < 1) {
            throw new IllegalArgumentException("batch size must be at least 1, got " + batchSize);
        }
    }
}
