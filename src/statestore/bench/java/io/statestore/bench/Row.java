package io.statestore.bench;

/**
 * One workload's results for the three contenders, and statestore's ratios to the other two;
 * {@code floor} is null unless the run was asked for it ({@code --floor}).
 */
record Row(
        Workload workload, int docBytes, CellResult statestore, CellResult set, CellResult legacy, CellResult floor) {

    double ratioToSet() {
        return ratio(statestore, set);
    }

    double ratioToLegacy() {
        return ratio(statestore, legacy);
    }

    /** a's throughput over b's (NaN when b made none). */
    static double ratio(CellResult a, CellResult b) {
        return b.opsPerSecond() == 0 ? Double.NaN : a.opsPerSecond() / b.opsPerSecond();
    }
}
