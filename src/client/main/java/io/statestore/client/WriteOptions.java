package io.statestore.client;

import java.time.Duration;
import java.util.Objects;
import java.util.OptionalLong;

/**
 * Conditions and side settings of one write. Immutable; build with {@link #builder()}.
 *
 * <p>{@code ifRevision(n)} makes the write conditional: it commits only when the document is at
 * revision {@code n} ({@code 0} means "must not exist"), otherwise a {@link ConflictException}
 * carries the current revision and nothing is retried.
 *
 * <p>TTL: {@code null} keeps whatever expiry the document has, {@link Duration#ZERO} removes it,
 * a positive duration sets it.
 */
public final class WriteOptions {
    public static final WriteOptions DEFAULT = builder().build();

    private final OptionalLong ifRevision;
    private final Duration ttl;
    private final String source;

    private WriteOptions(Builder b) {
        this.ifRevision = b.ifRevision;
        this.ttl = b.ttl;
        this.source = b.source;
    }

    public static Builder builder() {
        return new Builder();
    }

    public static WriteOptions ifRevision(long revision) {
        return builder().ifRevision(revision).build();
    }

    /**
     * Commit only if the key exists but was written outside statestore (a plain {@code SET}: no
     * revision yet, it reads as revision 0): the compare-and-set that adopts such a key without
     * losing a concurrent writer's change. Revision {@value #FOREIGN} on the wire (docs/protocol.md).
     */
    public static WriteOptions ifForeign() {
        return builder().ifRevision(FOREIGN).build();
    }

    /** The expected revision that stands for "written outside statestore". */
    public static final long FOREIGN = -1;

    public static WriteOptions ttl(Duration ttl) {
        return builder().ttl(ttl).build();
    }

    public OptionalLong expectedRevision() {
        return ifRevision;
    }

    /** The TTL to set; {@code null} keeps the current one, zero removes it. */
    public Duration ttl() {
        return ttl;
    }

    /** Where the change came from (recorded in the change event), e.g. an imported file; may be null. */
    public String source() {
        return source;
    }

    public static final class Builder {
        private OptionalLong ifRevision = OptionalLong.empty();
        private Duration ttl;
        private String source;

        private Builder() {}

        public Builder ifRevision(long revision) {
            if (revision < FOREIGN) {
                throw new InvalidInputException(
                        "ifRevision must be 0 (absent), a positive revision or WriteOptions.FOREIGN," + " got "
                                + revision);
            }
            this.ifRevision = OptionalLong.of(revision);
            return this;
        }

        public Builder ttl(Duration ttl) {
            if (ttl != null && ttl.isNegative()) {
                throw new InvalidInputException("ttl must not be negative, got " + Durations.format(ttl));
            }
            if (ttl != null && !ttl.isZero() && ttl.toMillis() == 0) {
                throw new InvalidInputException("ttl must be at least 1ms, got " + Durations.format(ttl));
            }
            this.ttl = ttl;
            return this;
        }

        public Builder source(String source) {
            this.source = source;
            return this;
        }

        public WriteOptions build() {
            return new WriteOptions(this);
        }
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof WriteOptions w
                && w.ifRevision.equals(ifRevision)
                && Objects.equals(w.ttl, ttl)
                && Objects.equals(w.source, source);
    }

    @Override
    public int hashCode() {
        return Objects.hash(ifRevision, ttl, source);
    }
}
