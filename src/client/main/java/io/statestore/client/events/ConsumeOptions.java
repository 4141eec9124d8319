package io.statestore.client.events;

import io.statestore.client.InvalidInputException;
import java.time.Duration;

/**
 * How a consumer reads its group. Immutable; {@link #DEFAULT} or {@link #builder()}.
 *
 * @param batchSize      entries fetched per read
 * @param block          how long one read waits for new entries (also bounds how long close() waits)
 * @param reclaimIdle    a pending entry idle this long is taken over (XAUTOCLAIM) by a live
 *                       consumer: longer than the slowest handler should run
 * @param reclaimEvery   how often the consumer looks for such entries
 * @param maxDeliveries  after this many deliveries without an ack, the entry moves to the
 *                       type's dead-letter stream
 * @param startId        where a group that does not exist yet starts: {@code 0} (everything
 *                       still in the stream, the default) or {@code $} (only new events) or an ID
 */
public record ConsumeOptions(
        int batchSize, Duration block, Duration reclaimIdle, Duration reclaimEvery, int maxDeliveries, String startId) {
    public static final int DEFAULT_BATCH_SIZE = 100;
    public static final Duration DEFAULT_BLOCK = Duration.ofMillis(500);
    public static final Duration DEFAULT_RECLAIM_IDLE = Duration.ofSeconds(30);
    public static final Duration DEFAULT_RECLAIM_EVERY = Duration.ofSeconds(5);
    public static final int DEFAULT_MAX_DELIVERIES = 5;
    public static final ConsumeOptions DEFAULT = builder().build();

    public ConsumeOptions {
        if (batchSize < 1) {
            throw new InvalidInputException("batchSize must be at least 1, got " + batchSize);
        }
        if (maxDeliveries < 1) {
            throw new InvalidInputException("maxDeliveries must be at least 1, got " + maxDeliveries);
        }
        if (block.isNegative()
                || block.isZero()
                || reclaimIdle.isNegative()
                || reclaimEvery.isNegative()
                || reclaimEvery.isZero()) {
            throw new InvalidInputException("block, reclaimIdle and reclaimEvery must be positive");
        }
        if (startId == null || startId.isEmpty()) {
            throw new InvalidInputException("startId must be 0, $ or a stream ID");
        }
    }

    public static Builder builder() {
        return new Builder();
    }

    public static final class Builder {
        private int batchSize = DEFAULT_BATCH_SIZE;
        private Duration block = DEFAULT_BLOCK;
        private Duration reclaimIdle = DEFAULT_RECLAIM_IDLE;
        private Duration reclaimEvery = DEFAULT_RECLAIM_EVERY;
        private int maxDeliveries = DEFAULT_MAX_DELIVERIES;
        private String startId = "0";

        private Builder() {}

        public Builder batchSize(int n) {
            this.batchSize = n;
            return this;
        }

        public Builder block(Duration d) {
            this.block = d;
            return this;
        }

        public Builder reclaimIdle(Duration d) {
            this.reclaimIdle = d;
            return this;
        }

        public Builder reclaimEvery(Duration d) {
            this.reclaimEvery = d;
            return this;
        }

        public Builder maxDeliveries(int n) {
            this.maxDeliveries = n;
            return this;
        }

        public Builder startId(String id) {
            this.startId = id;
            return this;
        }

        public ConsumeOptions build() {
            return new ConsumeOptions(batchSize, block, reclaimIdle, reclaimEvery, maxDeliveries, startId);
        }
    }
}
