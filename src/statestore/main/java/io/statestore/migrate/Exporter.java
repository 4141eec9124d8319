package io.statestore.migrate;

import com.fasterxml.jackson.databind.JsonNode;
import io.statestore.client.Document;
import io.statestore.client.StateStore;
import io.statestore.client.StrictJson;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;

/**
 * Writes documents back to the legacy layout: the mapping reversed. Each file is written
 * atomically with the document's exact JSON text (compact, numbers and containers as stored)
 * and a final newline, so importing the export again changes nothing.
 */
public final class Exporter {

    public record Result(int written, List<String> unmapped, List<String> problems) {
        public int exitCode() {
            return problems.isEmpty() ? 0 : 1;
        }
    }

    private Exporter() {}

    public static Result export(StateStore store, Mapping mapping, Path to, String prefix) throws IOException {
        Files.createDirectories(to);
        Path root = to.toRealPath();
        TreeSet<String> keys = new TreeSet<>();
        for (MappingRule r : mapping.rules()) {
            String p = r.keyPrefix();
            String listPrefix = prefix == null || prefix.isEmpty()
                    ? p
                    : (prefix.startsWith(p) ? prefix : p.startsWith(prefix) ? p : null);
            if (listPrefix != null) {
                keys.addAll(store.list(listPrefix));
            }
        }
        Map<String, String> paths = new LinkedHashMap<>();
        List<String> unmapped = new ArrayList<>();
        for (String k : keys) {
            Optional<String> p = mapping.pathFor(k);
            if (p.isPresent()) {
                paths.put(k, p.get());
            } else {
                unmapped.add(k);
            }
        }
        List<String> problems = new ArrayList<>();
        int written = 0;
        List<String> all = new ArrayList<>(paths.keySet());
        for (int from = 0; from < all.size(); from += 500) {
            Map<String, Document<JsonNode>> docs = store.getAll(all.subList(from, Math.min(all.size(), from + 500)));
            for (Map.Entry<String, Document<JsonNode>> d : docs.entrySet()) {
                String rel = paths.get(d.getKey());
                Path target = root.resolve(rel).normalize();
                try {
                    checkInside(root, target);
                    byte[] content = (StrictJson.write(d.getValue().value()) + "\n").getBytes(StandardCharsets.UTF_8);
                    AtomicFiles.write(target, content);
                    written++;
                } catch (IOException e) {
                    problems.add(rel + ": " + e.getMessage());
                }
            }
        }
        return new Result(written, unmapped, problems);
    }

    /** Refuses targets that are links or whose folders lead out of the export folder through links. */
    private static void checkInside(Path root, Path target) throws IOException {
        if (!target.startsWith(root)) {
            throw new IOException("target leaves the export folder");
        }
        Path parent = target.getParent();
        Files.createDirectories(parent);
        if (!parent.toRealPath().startsWith(root)) {
            throw new IOException("folder " + parent + " leads out of the export folder through a symbolic link");
        }
        if (Files.isSymbolicLink(target)
                || (Files.exists(target, LinkOption.NOFOLLOW_LINKS)
                        && !Files.isRegularFile(target, LinkOption.NOFOLLOW_LINKS))) {
            throw new IOException("target exists and is not a regular file");
        }
    }
}
