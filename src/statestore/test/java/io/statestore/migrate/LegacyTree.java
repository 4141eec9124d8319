package io.statestore.migrate;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Runs the team's legacy-tree generator (python3) into a folder: {@code shared/tools/make-legacy-tree.py}
 * from the shared folder beside this checkout (as CI lays it out), or {@code -Dstatestore.legacyTool}.
 */
final class LegacyTree {
    static final Path TOOL = locate();

    private static Path locate() {
        String given = System.getProperty("statestore.legacyTool");
        if (given != null) {
            return Path.of(given);
        }
        for (Path p : List.of(
                Path.of("..", "shared", "tools", "make-legacy-tree.py"),
                Path.of("/work/shared/tools/make-legacy-tree.py"))) {
            if (Files.isRegularFile(p)) {
                return p.toAbsolutePath().normalize();
            }
        }
        return Path.of("..", "shared", "tools", "make-legacy-tree.py")
                .toAbsolutePath()
                .normalize();
    }

    private LegacyTree() {}

    static Path generate(Path dir, String... args) throws IOException, InterruptedException {
        if (!Files.isRegularFile(TOOL)) {
            throw new IOException("the legacy-tree generator is missing at " + TOOL
                    + " (shared/ must sit beside the checkout, or pass -Dstatestore.legacyTool=PATH)");
        }
        List<String> cmd = new ArrayList<>(List.of("python3", TOOL.toString(), dir.toString()));
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (p.waitFor() != 0) {
            throw new IOException("make-legacy-tree.py failed: " + out);
        }
        return dir;
    }

    static Path copy(Path from, Path to) throws IOException {
        try (var walk = Files.walk(from)) {
            for (Path p : (Iterable<Path>) walk::iterator) {
                Path t = to.resolve(from.relativize(p).toString());
                if (Files.isDirectory(p)) {
                    Files.createDirectories(t);
                } else {
                    Files.copy(p, t);
                }
            }
        }
        return to;
    }
}
