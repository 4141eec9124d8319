package io.statestore.daemon.sweep;

import io.statestore.client.spi.FunctionCalls;
import io.statestore.client.spi.KeyLayout;
import io.statestore.daemon.redis.RedisAdmin;

/**
 * Commits the tombstone of a document Redis expired on its own, through the library's
 * {@code ss_reap} (idempotent: a second call for the same expiry writes nothing).
 */
public final class Reaper {
    private final RedisAdmin redis;
    private final KeyLayout layout;
    private final FunctionCalls protocol;
    private final String writer;

    public Reaper(RedisAdmin redis, KeyLayout layout, String writer) {
        this.redis = redis;
        this.layout = layout;
        this.protocol = new FunctionCalls(layout);
        this.writer = writer;
    }

    /** True when a tombstone was written now. */
    public boolean reap(String key) {
        if (key.startsWith(layout.prefix())) {
            return false;
        }
        FunctionCalls.Call reap = protocol.reap(key, writer);
        Object r = redis.with(j -> j.fcall(reap.function(), reap.keys(), reap.args()));
        return Long.valueOf(1).equals(r);
    }
}
