package io.statestore.migrate;

import java.io.IOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * {@code --archive DIR}: moves imported files out of the tree, each only after its document
 * was read back and matches, and the file still has the content that was imported.
 */
final class ImportedFileArchiver {
    private final ImportTarget target;
    private final Path dir;
    private final List<String> problems = new ArrayList<>();

    ImportedFileArchiver(ImportTarget target, Path dir) {
        this.target = target;
        this.dir = dir.toAbsolutePath().normalize();
    }

    List<String> problems() {
        return problems;
    }

    int archive(List<Importer.Item> items, Map<String, SourceFile> read, Map<String, FileOutcome> outcomes) {
        int moved = 0;
        for (int from = 0; from < items.size(); from += 500) {
            List<Importer.Item> batch = items.subList(from, Math.min(items.size(), from + 500));
            Map<String, StoredState> stored =
                    target.read(batch.stream().map(Importer.Item::key).toList());
            for (Importer.Item it : batch) {
                String rel = it.entry().path();
                FileOutcome o = outcomes.get(rel);
                if (o == null
                        || !(o.action() == Action.CREATE
                                || o.action() == Action.UPDATE
                                || o.action() == Action.UNCHANGED)) {
                    continue;
                }
                SourceFile imported = read.get(rel);
                try {
                    SourceFile now = StrictReader.read(it.entry().file(), rel);
                    if (!now.sha256().equals(imported.sha256())) {
                        problems.add(rel + ": not archived, the file changed after it was imported");
                    } else if (!stored.get(it.key()).holds(now)) {
                        problems.add(rel + ": not archived, \"" + it.key() + "\" does not hold the file's document");
                    } else {
                        move(it.entry().file(), rel);
                        moved++;
                    }
                } catch (IOException e) {
                    problems.add(rel + ": not archived: " + e.getMessage());
                }
            }
        }
        return moved;
    }

    private void move(Path file, String rel) throws IOException {
        Path target = dir.resolve(rel).normalize();
        if (!target.startsWith(dir) || Files.exists(target, LinkOption.NOFOLLOW_LINKS)) {
            throw new IOException("archive target " + target + " exists or leaves " + dir);
        }
        Files.createDirectories(target.getParent());
        try {
            Files.move(file, target, StandardCopyOption.ATOMIC_MOVE);
        } catch (AtomicMoveNotSupportedException e) {
            AtomicFiles.write(target, Files.readAllBytes(file));
            Files.delete(file);
        }
    }
}
