package io.statestore.client;

import java.time.Duration;

/**
 * How much history the documents whose keys match {@code pattern} keep: at most
 * {@code maxVersions} versions (trimmed on every write), none older than {@code maxAge}
 * ({@link Duration#ZERO}: any age; older versions are trimmed on write and left out on read).
 * Patterns are globs: {@code *} any characters, {@code ?} one character, e.g.
 * {@code quantum:*}. The first matching policy applies: of the policy kept in Redis
 * ({@link History#setPolicies}), or of the client-side {@link StateStoreOptions#historyPolicies()},
 * which override it for that client's writes.
 */
public record HistoryPolicy(String pattern, int maxVersions, Duration maxAge) {

    public HistoryPolicy {
        if (pattern == null || pattern.isEmpty()) {
            throw new InvalidInputException("history policy pattern must not be empty");
        }
        if (maxVersions < 0) {
            throw new InvalidInputException(
                    "history policy \"" + pattern + "\": maxVersions must not be negative, got " + maxVersions);
        }
        if (maxAge == null || maxAge.isNegative()) {
            throw new InvalidInputException(
                    "history policy \"" + pattern + "\": maxAge must be zero (any age) or positive");
        }
    }

    public static HistoryPolicy of(String pattern, int maxVersions) {
        return new HistoryPolicy(pattern, maxVersions, Duration.ZERO);
    }

    public static HistoryPolicy of(String pattern, int maxVersions, Duration maxAge) {
        return new HistoryPolicy(pattern, maxVersions, maxAge);
    }

    public boolean enabled() {
        return maxVersions > 0;
    }

    /** Glob match of the whole key. */
    public boolean matches(String key) {
        return glob(pattern, 0, key, 0);
    }

    private static boolean glob(String p, int pi, String s, int si) {
        int star = -1;
        int mark = 0;
        while (si < s.length()) {
            if (pi < p.length() && (p.charAt(pi) == '?' || p.charAt(pi) == s.charAt(si))) {
                pi++;
                si++;
            } else if (pi < p.length() && p.charAt(pi) == '*') {
                star = pi++;
                mark = si;
            } else if (star >= 0) {
                pi = star + 1;
                si = ++mark;
            } else {
                return false;
            }
        }
        while (pi < p.length() && p.charAt(pi) == '*') {
            pi++;
        }
        return pi == p.length();
    }
}
