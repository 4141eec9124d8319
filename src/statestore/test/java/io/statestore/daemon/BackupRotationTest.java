package io.statestore.daemon;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.statestore.daemon.backup.BackupNames;
import io.statestore.daemon.backup.BackupRotation;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BackupRotationTest {
    @TempDir
    Path dir;

    @Test
    void keepsNewestNPlusNewestOfEachDailyAndWeeklySlot() throws Exception {
        Instant start = Instant.parse("2025-06-01T10:00:00Z"); // a Sunday
        for (int day = 0; day < 21; day++) {
            for (int h = 0; h < 3; h++) {
                Files.writeString(
                        dir.resolve(BackupNames.name(
                                start.plus(Duration.ofDays(day)).plus(Duration.ofHours(h)))),
                        "x");
            }
        }
        Files.writeString(dir.resolve("unrelated.txt"), "x");
        List<Path> deleted = new BackupRotation(2, 3, 2).rotate(BackupNames.list(dir));
        Set<String> left = BackupNames.list(dir).stream()
                .map(p -> p.getFileName().toString())
                .collect(Collectors.toSet());
        assertEquals(
                Set.of(
                        "statestore-20250621T120000.000Z.rdb",
                        "statestore-20250621T110000.000Z.rdb", // newest 2
                        "statestore-20250620T120000.000Z.rdb",
                        "statestore-20250619T120000.000Z.rdb", // days 2 and 3
                        "statestore-20250615T120000.000Z.rdb"),
                left); // newest of the previous ISO week
        assertEquals(63 - 5, deleted.size());
        assertEquals(true, Files.exists(dir.resolve("unrelated.txt")));
    }
}
