package io.statestore.migrate;

import java.io.IOException;
import java.nio.file.FileVisitOption;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumSet;
import java.util.List;

/**
 * Lists the files under the import root without following symbolic links: links (to files or
 * directories) and special files are reported as skipped, never read. Paths are relative to
 * the root with "/" separators, sorted, so every run visits files in the same order.
 */
public final class TreeScanner {

    public record Entry(String path, Path file, String skipReason) {
        public boolean skipped() {
            return skipReason != null;
        }
    }

    private TreeScanner() {}

    public static List<Entry> scan(Path root) throws IOException {
        List<Entry> out = new ArrayList<>();
        Files.walkFileTree(root, EnumSet.noneOf(FileVisitOption.class), Integer.MAX_VALUE, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) {
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) {
                String rel = relative(root, file);
                if (attrs.isSymbolicLink()) {
                    out.add(new Entry(rel, file, "symbolic link (not followed)"));
                } else if (!attrs.isRegularFile()) {
                    out.add(new Entry(rel, file, "not a regular file"));
                } else {
                    out.add(new Entry(rel, file, null));
                }
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFileFailed(Path file, IOException e) {
                out.add(new Entry(relative(root, file), file, "unreadable: " + e.getMessage()));
                return FileVisitResult.CONTINUE;
            }
        });
        out.sort(Comparator.comparing(Entry::path));
        return out;
    }

    static String relative(Path root, Path file) {
        return root.relativize(file).toString().replace(file.getFileSystem().getSeparator(), "/");
    }
}
