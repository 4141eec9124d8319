package io.statestore.bench;

/** The rows of the peers table (issue 20). */
enum PeerRow {
    PUT("put", "put, each thread its own key (ops/s)"),
    CAS_OWN("cas", "CAS read-modify-write, own key (ops/s)"),
    CAS_HOT("hot", "CAS on one hot key (successes/s)"),
    WATCH("watch", "watch delay p50 / p99 (ms)");

    private final String option;
    private final String title;

    PeerRow(String option, String title) {
        this.option = option;
        this.title = title;
    }

    /** The row of a {@code --rows} name, or null. */
    static PeerRow byOption(String name) {
        for (PeerRow r : values()) {
            if (r.option.equals(name)) {
                return r;
            }
        }
        return null;
    }

    String title() {
        return title;
    }

    boolean throughput() {
        return this != WATCH;
    }
}
