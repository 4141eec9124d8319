package io.statestore.migrate;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/** Copies a damaged file (never moves it) to the quarantine folder, with a .reason file beside it. */
final class Quarantine {
    private Quarantine() {}

    static void copy(Path file, Path dir, String relativePath, String reason) {
        try {
            Path target = dir.resolve(relativePath).normalize();
            if (!target.startsWith(dir.normalize())) {
                throw new IOException("path leaves the quarantine folder: " + relativePath);
            }
            Files.createDirectories(target.getParent());
            Files.copy(file, target, StandardCopyOption.REPLACE_EXISTING, LinkOption.NOFOLLOW_LINKS);
            Files.writeString(
                    target.resolveSibling(target.getFileName() + ".reason"), reason + "\n", StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(
                    "cannot copy " + relativePath + " to quarantine folder " + dir + ": " + e.getMessage(), e);
        }
    }
}
