package io.statestore.client.internal.events;

import io.statestore.client.spi.RedisGateway;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Deque;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.PriorityQueue;
import redis.clients.jedis.resps.StreamEntry;

/**
 * Reads a range of several streams (the shards of the global stream on a cluster, one per type,
 * each on the primary of its type's slot) as one sequence: by entry ID, ties by shard order. Each
 * shard is read in pages of {@link #PAGE}, so a long range is never held whole. Entry IDs are
 * each primary's clock, so across shards this is close to publish order, not exactly it
 * (docs/cluster.md, "What order is promised").
 */
final class ShardMerge {
    static final int PAGE = 500;

    private final RedisGateway redis;
    private final PriorityQueue<Shard> heads = new PriorityQueue<>(
            Comparator.comparing((Shard s) -> s.peek().getID()).thenComparingInt(s -> s.order));

    ShardMerge(RedisGateway redis, List<String> shards, String fromId, String toId) {
        this.redis = redis;
        int order = 0;
        for (String key : shards) {
            Shard s = new Shard(key, order++, fromId, toId);
            if (s.fill()) {
                heads.add(s);
            }
        }
    }

    boolean hasNext() {
        return !heads.isEmpty();
    }

    StreamEntry next() {
        Shard s = heads.poll();
        if (s == null) {
            throw new NoSuchElementException();
        }
        StreamEntry e = s.page.poll();
        if (s.fill()) {
            heads.add(s);
        }
        return e;
    }

    /** Up to {@code limit} entries, merged. */
    List<StreamEntry> take(int limit) {
        List<StreamEntry> out = new ArrayList<>();
        while (out.size() < limit && hasNext()) {
            out.add(next());
        }
        return out;
    }

    private final class Shard {
        final String key;
        final int order;
        final String toId;
        final Deque<StreamEntry> page = new ArrayDeque<>();
        String from;
        boolean exhausted;

        Shard(String key, int order, String fromId, String toId) {
            this.key = key;
            this.order = order;
            this.from = fromId;
            this.toId = toId;
        }

        StreamEntry peek() {
            return page.peek();
        }

        /** Whether an entry is at hand, reading the next page when the last is used up. */
        boolean fill() {
            if (!page.isEmpty()) {
                return true;
            }
            if (exhausted) {
                return false;
            }
            String start = from;
            List<StreamEntry> got = redis.call(j -> j.xrange(key, start, toId, PAGE), key, false);
            page.addAll(got);
            if (got.size() < PAGE) {
                exhausted = true;
            } else {
                from = "(" + got.get(got.size() - 1).getID();
            }
            return !page.isEmpty();
        }
    }
}
