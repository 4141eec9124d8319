package io.statestore.daemon.web.daemon;

import io.statestore.daemon.backup.BackupNames;
import io.statestore.daemon.web.WebError;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** The backup directory as the page shows it, and the checks on a backup name sent by the page. */
final class BackupFacts {
    /** Must agree with {@link BackupNames}: a name the page sends is only ever one of its own files. */
    private static final Pattern NAME = Pattern.compile("statestore-(\\d{8}T\\d{6}\\.\\d{3})Z\\.rdb");

    private static final DateTimeFormatter STAMP = DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss.SSS");

    private BackupFacts() {}

    static DaemonViews.Backups list(Path dir) throws IOException {
        List<DaemonViews.Backup> out = new ArrayList<>();
        for (Path p : BackupNames.list(dir)) {
            String name = p.getFileName().toString();
            try {
                out.add(new DaemonViews.Backup(name, Files.size(p), takenMs(name)));
            } catch (java.nio.file.NoSuchFileException rotatedMeanwhile) {
                // rotation removed it between the listing and the size: it is no longer a backup
            }
        }
        return new DaemonViews.Backups(dir.toString(), out);
    }

    /** The backup file called {@code name}: 400 when that is not a backup file name, 404 when there is none. */
    static Path find(Path dir, String name) throws IOException {
        if (name == null || !NAME.matcher(name).matches()) {
            throw new WebError(
                    400,
                    "\"" + name
                            + "\" is not a backup name (statestore-YYYYMMDDTHHMMSS.mmmZ.rdb, as the list gives it)");
        }
        for (Path p : BackupNames.list(dir)) {
            if (p.getFileName().toString().equals(name)) {
                return p;
            }
        }
        throw new WebError(404, "no backup " + name + " in " + dir + " (rotated away, or never taken)");
    }

    /** When the backup was taken: its name's UTC stamp. */
    private static Long takenMs(String name) {
        Matcher m = NAME.matcher(name);
        if (!m.matches()) {
            return null;
        }
        try {
            return LocalDateTime.parse(m.group(1), STAMP)
                    .toInstant(ZoneOffset.UTC)
                    .toEpochMilli();
        } catch (DateTimeParseException e) {
            return null;
        }
    }
}
