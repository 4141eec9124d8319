package io.statestore.bench;

/** The rows of the peers table (issue 20). */
enum PeerRow {
    PUT("put, each thread its own key (ops/s)"),
    CAS_OWN("CAS read-modify-write, own key (ops/s)"),
    CAS_HOT("CAS on one hot key (successes/s)"),
    WATCH("watch delay p50 / p99 (ms)");

    private final String title;

    PeerRow(String title) {
        this.title = title;
    }

    String title() {
        return title;
    }

    boolean throughput() {
        return this != WATCH;
    }
}
