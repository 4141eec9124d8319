package io.statestore.daemon.backup;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.time.temporal.IsoFields;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Keeps the newest {@code keep} backups, plus the newest backup of each of the last
 * {@code keepDaily} days and {@code keepWeekly} ISO weeks that have one; deletes the rest.
 */
public final class BackupRotation {
    private final int keep;
    private final int keepDaily;
    private final int keepWeekly;

    public BackupRotation(int keep, int keepDaily, int keepWeekly) {
        this.keep = keep;
        this.keepDaily = keepDaily;
        this.keepWeekly = keepWeekly;
    }

    /** Returns the files deleted. */
    public List<Path> rotate(List<Path> newestFirst) throws IOException {
        Set<Path> kept = new LinkedHashSet<>(newestFirst.subList(0, Math.min(keep, newestFirst.size())));
        Set<LocalDate> days = new HashSet<>();
        Set<String> weeks = new HashSet<>();
        for (Path p : newestFirst) {
            LocalDate d = BackupNames.date(p);
            if (d == null) {
                continue;
            }
            if (days.size() < keepDaily && days.add(d)) {
                kept.add(p);
            }
            String week = d.get(IsoFields.WEEK_BASED_YEAR) + "-" + d.get(IsoFields.WEEK_OF_WEEK_BASED_YEAR);
            if (weeks.size() < keepWeekly && weeks.add(week)) {
                kept.add(p);
            }
        }
        List<Path> deleted = new ArrayList<>();
        for (Path p : newestFirst) {
            if (!kept.contains(p)) {
                Files.deleteIfExists(p);
                deleted.add(p);
            }
        }
        return deleted;
    }
}
