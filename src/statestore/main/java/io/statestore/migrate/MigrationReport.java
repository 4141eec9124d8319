package io.statestore.migrate;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.statestore.client.StrictJson;
import java.io.PrintWriter;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/** The result of an import run (or dry-run plan): one outcome per file, counts, timing. */
public record MigrationReport(
        String from,
        boolean dryRun,
        List<FileOutcome> files,
        long elapsedMillis,
        int archived,
        List<String> archiveProblems) {

    public Map<Action, Integer> counts() {
        Map<Action, Integer> c = new EnumMap<>(Action.class);
        for (Action a : Action.values()) {
            c.put(a, 0);
        }
        for (FileOutcome f : files) {
            c.merge(f.action(), 1, Integer::sum);
        }
        return c;
    }

    public long bomStripped() {
        return files.stream().filter(FileOutcome::bomStripped).count();
    }

    /**
     * 0 when everything mapped was imported or unchanged, 1 when anything was quarantined, failed
     * or left alone because its document changed in the store since import.
     */
    public int exitCode() {
        boolean problem = files.stream().anyMatch(f -> f.action().isProblem()) || !archiveProblems.isEmpty();
        return problem ? 1 : 0;
    }

    public double filesPerSecond() {
        return elapsedMillis == 0 ? files.size() * 1000.0 : files.size() * 1000.0 / elapsedMillis;
    }

    /** The plan of a dry run: one line per file. */
    public void printPlan(PrintWriter out) {
        for (FileOutcome f : files) {
            StringBuilder sb =
                    new StringBuilder(String.format("%-12s %s", f.action().label(), f.path()));
            if (f.key() != null) {
                sb.append(" -> ").append(f.key());
            }
            if (f.reason() != null) {
                sb.append("  (").append(f.reason()).append(')');
            }
            if (f.bomStripped()) {
                sb.append("  [UTF-8 BOM stripped]");
            }
            out.println(sb);
        }
    }

    /** One line for a file that needs attention: action, path, code and reason. */
    static String attentionLine(FileOutcome f) {
        return f.action().label() + ": " + f.path() + " [" + f.code() + "] " + f.reason();
    }

    /** The summary table, then every file that needs attention, with its reason. */
    public void printSummary(PrintWriter out) {
        Map<Action, Integer> c = counts();
        out.println();
        out.println(dryRun ? "Migration plan (dry run, nothing written)" : "Migration summary");
        out.println("  from: " + from);
        out.println("  +------------------+--------+");
        out.println("  | result           |  files |");
        out.println("  +------------------+--------+");
        for (Action a : Action.values()) {
            out.printf("  | %-16s | %6d |%n", a.label(), c.get(a));
        }
        out.println("  +------------------+--------+");
        out.printf("  | %-16s | %6d |%n", "total", files.size());
        out.println("  +------------------+--------+");
        if (bomStripped() > 0) {
            out.println("  UTF-8 byte order mark stripped from " + bomStripped() + " file(s)");
        }
        if (archived > 0 || !archiveProblems.isEmpty()) {
            out.println("  archived: " + archived + " file(s)");
        }
        out.printf("  %d files in %.2f s (%.0f files/s)%n", files.size(), elapsedMillis / 1000.0, filesPerSecond());
        for (FileOutcome f : files) {
            if (f.action().isProblem() || f.action() == Action.KEPT || f.liveChange()) {
                out.println("  " + attentionLine(f));
            }
        }
        for (FileOutcome f : files) {
            if (f.bomStripped() && !f.action().isProblem()) {
                out.println("  bom-stripped: " + f.path());
            }
        }
        for (FileOutcome f : files) {
            if (f.action() == Action.SKIPPED) {
                out.println("  skipped: " + f.path() + " (" + f.reason() + ")");
            }
        }
        for (String p : archiveProblems) {
            out.println("  archive: " + p);
        }
    }

    public String toJson() {
        ObjectNode root = StrictJson.mapper().createObjectNode();
        root.put("from", from);
        root.put("dryRun", dryRun);
        root.put("elapsedMs", elapsedMillis);
        root.put("filesPerSecond", Math.round(filesPerSecond()));
        ObjectNode counts = root.putObject("counts");
        counts().forEach((a, n) -> counts.put(a.label(), n));
        counts.put("bomStripped", bomStripped());
        counts.put("archived", archived);
        root.put("exitCode", exitCode());
        ArrayNode arr = root.putArray("files");
        for (FileOutcome f : files) {
            ObjectNode o = arr.addObject();
            o.put("path", f.path());
            o.put("action", f.action().label());
            if (f.key() != null) {
                o.put("key", f.key());
            }
            if (f.revision() > 0) {
                o.put("revision", f.revision());
            }
            if (f.code() != null) {
                o.put("code", f.code());
                o.put("reason", f.reason());
            }
            if (f.liveChange()) {
                if (f.recordedRevision() != null) {
                    o.put("recordedRevision", f.recordedRevision().longValue());
                } else {
                    o.putNull("recordedRevision");
                }
                o.put("storeRevision", f.storeRevision().longValue());
            }
            if (f.bomStripped()) {
                o.put("bomStripped", true);
            }
        }
        ArrayNode ap = root.putArray("archiveProblems");
        archiveProblems.forEach(ap::add);
        return StrictJson.write(root);
    }
}
