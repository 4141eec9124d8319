package io.statestore.daemon.backup;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Comparator;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/** Backup file names: {@code statestore-20250701T031700.123Z.rdb} (UTC), sorting by time. */
public final class BackupNames {
    private static final DateTimeFormatter STAMP =
            DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss.SSS'Z'").withZone(ZoneOffset.UTC);
    private static final Pattern NAME = Pattern.compile("statestore-(\\d{8})T\\d{6}\\.\\d{3}Z\\.rdb");
    static final String PARTIAL_SUFFIX = ".partial";

    private BackupNames() {}

    public static String name(Instant at) {
        return "statestore-" + STAMP.format(at) + ".rdb";
    }

    static LocalDate date(Path p) {
        Matcher m = NAME.matcher(p.getFileName().toString());
        return m.matches() ? LocalDate.parse(m.group(1), DateTimeFormatter.BASIC_ISO_DATE) : null;
    }

    /** Complete backups in {@code dir}, newest first. */
    public static List<Path> list(Path dir) throws IOException {
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        try (Stream<Path> s = Files.list(dir)) {
            return s.filter(p -> NAME.matcher(p.getFileName().toString()).matches())
                    .sorted(Comparator.comparing((Path p) -> p.getFileName().toString())
                            .reversed())
                    .toList();
        }
    }

    /** Leftovers of interrupted backups (hidden {@code .partial} files). */
    public static List<Path> partials(Path dir) throws IOException {
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        try (Stream<Path> s = Files.list(dir)) {
            return s.filter(p -> p.getFileName().toString().endsWith(PARTIAL_SUFFIX))
                    .toList();
        }
    }
}
