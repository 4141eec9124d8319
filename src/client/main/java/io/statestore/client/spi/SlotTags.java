package io.statestore.client.spi;

import redis.clients.jedis.util.JedisClusterCRC16;

/**
 * One short hash tag per Redis Cluster slot: {@code tag(s)} is the smallest number, written in
 * base 36, whose CRC16 lands in slot {@code s}. On a cluster a document's feed, index and
 * settings are {@code P feed{T}}, ... with {@code T = tag(slot of the document)}, so they share
 * the document's slot and every write stays a one-slot call (docs/cluster.md). The rule is fixed:
 * every client computes the same table, and a changed rule would be a new layout.
 */
public final class SlotTags {
    public static final int SLOTS = 16384;
    private static final String[] TAGS = build();

    private SlotTags() {}

    /** The tag of {@code slot} (0 to 16383), at most 4 characters of [0-9a-z]. */
    public static String tag(int slot) {
        return TAGS[slot];
    }

    /** The Cluster slot of a key (its hash tag's, when it has one). */
    public static int slot(String key) {
        return JedisClusterCRC16.getSlot(key);
    }

    private static String[] build() {
        String[] tags = new String[SLOTS];
        int filled = 0;
        for (int n = 0; filled < SLOTS; n++) {
            String candidate = Integer.toString(n, 36);
            int slot = JedisClusterCRC16.getSlot(candidate);
            if (tags[slot] == null) {
                tags[slot] = candidate;
                filled++;
            }
        }
        return tags;
    }
}
