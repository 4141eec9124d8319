package io.statestore.daemon.web;

import java.util.Arrays;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * What a live page asked to see: keys under {@code prefix} (the watcher follows only those) and
 * changes of the operations in {@code ops} (empty: every operation).
 */
record LiveFilter(String prefix, Set<String> ops) {
    private static final Pattern OP = Pattern.compile("[a-z_]{1,32}");

    static LiveFilter of(String prefix, String ops) {
        Set<String> set = ops == null || ops.isBlank()
                ? Set.of()
                : Arrays.stream(ops.split(","))
                        .map(String::strip)
                        .filter(s -> !s.isEmpty())
                        .collect(Collectors.toSet());
        for (String op : set) {
            if (!OP.matcher(op).matches()) {
                throw new WebError(400, "ops: \"" + op + "\" is not an operation name (put, merge, set, del, ...)");
            }
        }
        return new LiveFilter(prefix == null ? "" : prefix, set);
    }

    boolean wants(String op) {
        return ops.isEmpty() || ops.contains(op);
    }
}
