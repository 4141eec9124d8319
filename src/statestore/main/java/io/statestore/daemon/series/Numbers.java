package io.statestore.daemon.series;

/** Sample values as text in Redis: integers without ".0", so {@code redis-cli} shows what was sampled. */
final class Numbers {
    private Numbers() {}

    static String text(double v) {
        if (v == Math.rint(v) && Math.abs(v) < 1e15) {
            return Long.toString((long) v);
        }
        return Double.toString(v);
    }
}
