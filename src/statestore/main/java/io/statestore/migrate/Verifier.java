package io.statestore.migrate;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** {@code migrate --verify}: compares every mapped file with its document; writes nothing. */
public final class Verifier {

    public record Difference(String path, String key, String status, String detail) {}

    /**
     * @param differences what does not match, quarantined files included (listed with their reason);
     *                    a quarantined file is never imported, so it is counted apart and does not fail
     *                    the verification
     */
    public record Result(int checked, List<Difference> differences) {
        public int exitCode() {
            return differing() == 0 ? 0 : 1;
        }

        public long quarantined() {
            return differences.stream()
                    .filter(d -> d.status().equals(QUARANTINED))
                    .count();
        }

        public long differing() {
            return differences.size() - quarantined();
        }

        public void print(PrintWriter out) {
            for (Difference d : differences) {
                out.println(d.status() + ": " + d.path() + (d.key() == null ? "" : " -> " + d.key())
                        + (d.detail() == null ? "" : "  (" + d.detail() + ")"));
            }
            out.println("verified " + checked + " mapped file(s): " + (checked - differences.size()) + " match, "
                    + differing() + " differ"
                    + (quarantined() == 0
                            ? ""
                            : ", " + quarantined() + " quarantined (never imported: fix the file and migrate again)"));
        }
    }

    static final String QUARANTINED = "quarantined";

    private Verifier() {}

    public static Result verify(Path from, Mapping mapping, ImportTarget target) throws IOException {
        Path root = from.toRealPath();
        List<TreeScanner.Entry> mapped = new ArrayList<>();
        List<String> keys = new ArrayList<>();
        for (TreeScanner.Entry e : TreeScanner.scan(root)) {
            Optional<Mapping.Match> m = e.skipped() ? Optional.empty() : mapping.match(e.path());
            if (m.isPresent()) {
                mapped.add(e);
                keys.add(m.get().key());
            }
        }
        List<Difference> diffs = new ArrayList<>();
        for (int from0 = 0; from0 < mapped.size(); from0 += 500) {
            int to = Math.min(mapped.size(), from0 + 500);
            Map<String, StoredState> stored = target.read(keys.subList(from0, to));
            for (int i = from0; i < to; i++) {
                TreeScanner.Entry e = mapped.get(i);
                String key = keys.get(i);
                SourceFile f = StrictReader.read(e.file(), e.path());
                StoredState s = stored.get(key);
                if (f.quarantined()) {
                    diffs.add(new Difference(e.path(), key, QUARANTINED, f.quarantineReason()));
                } else if (s.error() != null) {
                    diffs.add(new Difference(e.path(), key, "unreadable", s.error()));
                } else if (!s.exists()) {
                    diffs.add(new Difference(e.path(), key, "missing", "no document at the key"));
                } else if (!s.holds(f)) {
                    diffs.add(new Difference(
                            e.path(),
                            key,
                            "different",
                            "document revision " + s.revision() + " differs from the file"));
                }
            }
        }
        return new Result(mapped.size(), diffs);
    }
}
