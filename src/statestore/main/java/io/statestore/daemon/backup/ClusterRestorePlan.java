package io.statestore.daemon.backup;

import io.statestore.client.spi.ClusterNodes;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * Which file of a cluster backup set goes to which primary of the cluster it is restored into.
 * A file holds the keys of the slots its primary served, so it may only go to a primary that
 * serves exactly those slots: the target must have the same shape (as many primaries, the same
 * slot ranges; {@code redis-cli --cluster create} gives the same ranges for the same count).
 * Anything else is refused naming each file that has no match, before anything is touched.
 */
public final class ClusterRestorePlan {
    private ClusterRestorePlan() {}

    /** One step: put {@code file} in place of the data of {@code primary}. */
    public record Step(Path file, ClusterNodes.Node primary) {}

    public static List<Step> of(Path set, List<ClusterBackup.Entry> entries, List<ClusterNodes.Node> primaries)
            throws BackupException {
        Map<String, ClusterNodes.Node> byRanges = new LinkedHashMap<>();
        for (ClusterNodes.Node n : primaries) {
            byRanges.put(n.ranges(), n);
        }
        List<Step> steps = new ArrayList<>();
        List<String> unmatched = new ArrayList<>();
        for (ClusterBackup.Entry e : entries) {
            ClusterNodes.Node n = byRanges.remove(e.slots());
            if (n == null) {
                unmatched.add(e.file() + " (slots " + e.slots() + ")");
            } else {
                steps.add(new Step(set.resolve(e.file()), n));
            }
        }
        if (!unmatched.isEmpty() || !byRanges.isEmpty()) {
            throw new BackupException(
                    "the cluster is not of the backup's shape: "
                            + (unmatched.isEmpty()
                                    ? ""
                                    : "no primary serves exactly the slots of " + String.join(", ", unmatched))
                            + (unmatched.isEmpty() || byRanges.isEmpty() ? "" : "; ")
                            + (byRanges.isEmpty()
                                    ? ""
                                    : "no file for the primaries serving "
                                            + byRanges.keySet().stream().collect(Collectors.joining(", ")))
                            + "; restore into a cluster with " + entries.size()
                            + " primaries and the same slot ranges (docs/cluster.md, \"Backups of a cluster\"); nothing was changed");
        }
        return steps;
    }
}
