package io.statestore.bench;

/** One workload's results for the three contenders, and statestore's ratios to the other two. */
record Row(Workload workload, int docBytes, CellResult statestore, CellResult set, CellResult legacy) {

    double ratioToSet() {
        return ratio(statestore, set);
    }

    double ratioToLegacy() {
        return ratio(statestore, legacy);
    }

    private static double ratio(CellResult a, CellResult b) {
        return b.opsPerSecond() == 0 ? Double.NaN : a.opsPerSecond() / b.opsPerSecond();
    }
}
