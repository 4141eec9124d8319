package io.statestore.daemon.config;

import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * The embedded server runs only with {@code maxmemory-policy noeviction}: any other policy lets
 * Redis drop documents, metadata or the feed itself behind the functions' back (no tombstone,
 * metadata, index and feed out of step). A policy in {@code embedded.extraArgs} is checked here,
 * at config load; one set later with {@code CONFIG SET} is reported by the daemon's health
 * checks ({@code io.statestore.daemon.status.HealthWatch}).
 */
final class EvictionPolicy {
    static final String REQUIRED = "noeviction";
    private static final String OPTION = "--maxmemory-policy";

    private EvictionPolicy() {}

    /** Why {@code extraArgs} are refused, if they set another policy. */
    static Optional<String> refusal(List<String> extraArgs) {
        if (extraArgs == null) {
            return Optional.empty();
        }
        for (int i = 0; i < extraArgs.size(); i++) {
            String[] words = String.valueOf(extraArgs.get(i)).strip().split("\\s+");
            if (!words[0].equalsIgnoreCase(OPTION)) {
                continue;
            }
            String policy = words.length > 1
                    ? words[1]
                    : i + 1 < extraArgs.size()
                            ? String.valueOf(extraArgs.get(i + 1)).strip()
                            : "";
            if (!policy.toLowerCase(Locale.ROOT).equals(REQUIRED)) {
                return Optional.of(OPTION + " " + policy + ": the embedded server runs only with " + REQUIRED
                        + " (another policy lets Redis evict documents, metadata or the feed without a tombstone;"
                        + " at maxmemory writes are refused and deletes still work, docs/daemon.md)");
            }
        }
        return Optional.empty();
    }
}
