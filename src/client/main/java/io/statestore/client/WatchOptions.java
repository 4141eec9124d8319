package io.statestore.client;

import java.util.Optional;

/**
 * What to watch and how. Immutable; build with {@link #builder()}:
 * {@code WatchOptions.builder().prefix("quantum:").withDocuments(true).build()}.
 */
public final class WatchOptions {
    public static final int DEFAULT_BUFFER_SIZE = 10_000;

    /** Which keys a watch follows. */
    public enum Scope {
        KEY,
        PREFIX,
        ALL
    }

    private final Scope scope;
    private final String target;
    private final String fromId;
    private final boolean withDocuments;
    private final boolean snapshot;
    private final int bufferSize;
    private final SlowListenerPolicy slowListenerPolicy;
    private final boolean resyncSnapshot;

    private WatchOptions(Builder b) {
        this.scope = b.scope;
        this.target = b.target;
        this.fromId = b.fromId;
        this.withDocuments = b.withDocuments;
        this.snapshot = b.snapshot;
        this.bufferSize = b.bufferSize;
        this.slowListenerPolicy = b.slowListenerPolicy;
        this.resyncSnapshot = b.resyncSnapshot;
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Every document, with a snapshot first. */
    public static WatchOptions all() {
        return builder().build();
    }

    public Scope scope() {
        return scope;
    }

    /** The key (scope KEY) or prefix (scope PREFIX); "" for ALL. */
    public String target() {
        return target;
    }

    /** Whether {@code key} is one this watch follows. */
    public boolean matches(String key) {
        switch (scope) {
            case KEY:
                return target.equals(key);
            case PREFIX:
                return key.startsWith(target);
            default:
                return true;
        }
    }

    /** Replay the changes after this feed entry ID instead of taking a snapshot. */
    public Optional<String> fromId() {
        return Optional.ofNullable(fromId);
    }

    /** Deliver each change with the document after it (from history when kept, see docs/watch.md). */
    public boolean withDocuments() {
        return withDocuments;
    }

    /** Start with a snapshot (default); off: start with the changes after the current end of the feed. */
    public boolean snapshot() {
        return snapshot;
    }

    /** How many snapshots/changes may wait between the reader and a listener that is behind. */
    public int bufferSize() {
        return bufferSize;
    }

    public SlowListenerPolicy slowListenerPolicy() {
        return slowListenerPolicy;
    }

    /** After a resync, deliver a fresh snapshot and go on (default); off: the watcher stops after onResync. */
    public boolean resyncSnapshot() {
        return resyncSnapshot;
    }

    public static final class Builder {
        private Scope scope = Scope.ALL;
        private String target = "";
        private String fromId;
        private boolean withDocuments;
        private boolean snapshot = true;
        private int bufferSize = DEFAULT_BUFFER_SIZE;
        private SlowListenerPolicy slowListenerPolicy = SlowListenerPolicy.BLOCK;
        private boolean resyncSnapshot = true;

        private Builder() {}

        public Builder key(String key) {
            if (key == null || key.isEmpty()) {
                throw new InvalidInputException("watch key must not be empty");
            }
            this.scope = Scope.KEY;
            this.target = key;
            return this;
        }

        /** Keys starting with {@code prefix}; "" (or null) means all. */
        public Builder prefix(String prefix) {
            if (prefix == null || prefix.isEmpty()) {
                return all();
            }
            this.scope = Scope.PREFIX;
            this.target = prefix;
            return this;
        }

        public Builder all() {
            this.scope = Scope.ALL;
            this.target = "";
            return this;
        }

        /**
         * A feed entry ID ({@code 1795307409913-0}, or {@code 0} for the oldest kept), or on Redis
         * Cluster a position a cluster watcher gave ({@code c1:...}, docs/cluster.md); null: take a snapshot.
         */
        public Builder fromId(String id) {
            if (id != null && id.startsWith("c1:") && id.matches("c1:[0-9a-z.,]*")) {
                this.fromId = id; // checked in full by the cluster watcher, which alone accepts it
                return this;
            }
            if (id != null && !id.matches("\\d+(-\\d+)?")) {
                throw new InvalidInputException(
                        "invalid feed position \"" + id + "\": expected an entry ID such as 1795307409913-0"
                                + " (or on Redis Cluster a watcher's position c1:...)");
            }
            this.fromId = id == null ? null : (id.contains("-") ? id : id + "-0");
            return this;
        }

        public Builder withDocuments(boolean withDocuments) {
            this.withDocuments = withDocuments;
            return this;
        }

        public Builder snapshot(boolean snapshot) {
            this.snapshot = snapshot;
            return this;
        }

        public Builder bufferSize(int bufferSize) {
            if (bufferSize < 1) {
                throw new InvalidInputException("watch bufferSize must be at least 1, got " + bufferSize);
            }
            this.bufferSize = bufferSize;
            return this;
        }

        public Builder slowListenerPolicy(SlowListenerPolicy policy) {
            if (policy == null) {
                throw new InvalidInputException("slowListenerPolicy must not be null");
            }
            this.slowListenerPolicy = policy;
            return this;
        }

        public Builder resyncSnapshot(boolean resyncSnapshot) {
            this.resyncSnapshot = resyncSnapshot;
            return this;
        }

        public WatchOptions build() {
            return new WatchOptions(this);
        }
    }
}
