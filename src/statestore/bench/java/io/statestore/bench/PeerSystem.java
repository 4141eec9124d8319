package io.statestore.bench;

import java.util.Locale;

/** The systems the peers benchmark compares, by their {@code --systems} names, in the table's column order. */
enum PeerSystem {
    EVERYSEC("everysec"),
    ALWAYS("always"),
    /** Not in the default set: statestore with AOF everysec and the client's group commit on. */
    GROUP("group"),
    /** Not in the default set: statestore with AOF everysec and read combining off (every get its own call). */
    SEPARATE_READS("separate-reads"),
    /** Not in the default set: statestore with AOF everysec, each call on a pooled connection of its own (not multiplexed). */
    POOLED("pooled"),
    /**
     * Not in the default set: statestore with AOF everysec and the store setting {@code jsoncheck off}
     * (trusted writers: the functions store JSON unchecked). Not a configuration to recommend: it sizes
     * what a put's server-side JSON check costs, i.e. the most a cheaper check (in C) could win.
     */
    UNCHECKED("unchecked"),
    ETCD("etcd"),
    NATS("nats");

    private final String option;

    PeerSystem(String option) {
        this.option = option;
    }

    String option() {
        return option;
    }

    static PeerSystem parse(String s) {
        for (PeerSystem p : values()) {
            if (p.option.equals(s.trim().toLowerCase(Locale.ROOT))) {
                return p;
            }
        }
        throw new IllegalArgumentException(
                "--systems takes everysec, always, group, separate-reads, pooled, unchecked, etcd and nats, got \""
                        + s.trim() + "\"");
    }

    Peer start(PeersBenchmark.Binaries b) throws Exception {
        return switch (this) {
            case EVERYSEC -> StateStorePeer.start(b.redis(), "everysec");
            case ALWAYS -> StateStorePeer.start(b.redis(), "always");
            case GROUP -> StateStorePeer.start(b.redis(), "everysec", ", group commit", c -> c.groupCommit(true));
            case SEPARATE_READS ->
                StateStorePeer.start(b.redis(), "everysec", ", reads not combined", c -> c.combineReads(false));
            case POOLED ->
                StateStorePeer.start(b.redis(), "everysec", ", calls not multiplexed", c -> c.multiplexCalls(false));
            case UNCHECKED ->
                StateStorePeer.start(b.redis(), "everysec", ", JSON check off", c -> c)
                        .withoutServerJsonCheck();
            case ETCD -> EtcdPeer.start(b.etcd());
            case NATS -> NatsKvPeer.start(b.nats());
        };
    }
}
