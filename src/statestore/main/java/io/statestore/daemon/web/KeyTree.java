package io.statestore.daemon.web;

import io.statestore.client.spi.KeyLayout;
import io.statestore.daemon.redis.RedisAdmin;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import redis.clients.jedis.Jedis;

/**
 * The next level of the document tree under a prefix: the {@code :}-separated segments that
 * follow it, each with how many documents it holds, read from the listing index ({@code ss:index})
 * by skipping from one segment to the next, so that a segment of 100,000 documents costs two
 * counts, not a read of its keys. Documents that expired but were not yet reaped still count.
 */
final class KeyTree {
    /** Segments listed per level; a page says when there are more. */
    static final int MAX_CHILDREN = 500;

    private static final byte[] TOP = {(byte) 0xFF};

    /** One segment: {@code prefix} is the full key prefix it stands for (no trailing colon). */
    record Child(String segment, String prefix, long count, boolean document, boolean branch) {}

    record Level(String prefix, List<Child> children, boolean more) {}

    private final RedisAdmin redis;
    private final KeyLayout layout;

    KeyTree(RedisAdmin redis, KeyLayout layout) {
        this.redis = redis;
        this.layout = layout;
    }

    /** {@code prefix}: "" for the top, else a prefix ending with ':' (e.g. {@code quantum:}). */
    Level level(String prefix) {
        return redis.with(j -> level(j, prefix));
    }

    private Level level(Jedis j, String prefix) {
        byte[] index = bytes(layout.index(prefix));
        byte[] high = prefix.isEmpty() ? bytes("+") : concat(bytes("[" + prefix), TOP);
        byte[] cursor = prefix.isEmpty() ? bytes("-") : bytes("[" + prefix);
        List<Child> children = new ArrayList<>();
        Set<String> seen = new HashSet<>();
        while (true) {
            List<byte[]> first = j.zrangeByLex(index, cursor, high, 0, 1);
            if (first.isEmpty()) {
                return new Level(prefix, children, false);
            }
            String key = new String(first.get(0), StandardCharsets.UTF_8);
            String rest = key.substring(prefix.length());
            int colon = rest.indexOf(':');
            String segment = colon < 0 ? rest : rest.substring(0, colon);
            String base = prefix + segment;
            if (!seen.add(segment)) {
                // keys such as job1 sort between job and job:x; past them, skip job:'s range at once
                cursor = bytes("[" + base + ";");
                continue;
            }
            if (children.size() == MAX_CHILDREN) {
                return new Level(prefix, children, true);
            }
            long exact = j.zlexcount(index, bytes("[" + base), bytes("[" + base));
            long under = j.zlexcount(index, bytes("[" + base + ":"), bytes("(" + base + ";"));
            children.add(new Child(segment, base, exact + under, exact > 0, under > 0));
            cursor = bytes("(" + key);
        }
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] out = new byte[a.length + b.length];
        System.arraycopy(a, 0, out, 0, a.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }
}
