package io.statestore.client.internal.events;

import java.security.SecureRandom;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Event IDs made by the publisher: 13 hex digits of milliseconds, 6 of a per-process
 * sequence and 10 random ones, e.g. {@code 0194f7d8a6b2c-00002a-7f3c09e1d4}. Unique across
 * processes (the random part), ordered within one process, readable in redis-cli.
 */
final class EventIds {
    private static final SecureRandom RANDOM = new SecureRandom();
    private final AtomicLong sequence = new AtomicLong();
    private final String node;

    EventIds() {
        this.node = String.format("%010x", RANDOM.nextLong() & 0xff_ffff_ffffL);
    }

    String next() {
        long seq = sequence.getAndIncrement() & 0xff_ffffL;
        StringBuilder sb = new StringBuilder(31);
        hex(sb, System.currentTimeMillis(), 13).append('-');
        return hex(sb, seq, 6).append('-').append(node).toString();
    }

    private static StringBuilder hex(StringBuilder sb, long v, int digits) {
        for (int i = digits - 1; i >= 0; i--) {
            sb.append(Character.forDigit((int) (v >>> (4 * i)) & 0xf, 16));
        }
        return sb;
    }
}
