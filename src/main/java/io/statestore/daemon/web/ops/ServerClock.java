package io.statestore.daemon.web.ops;

import java.util.List;
import redis.clients.jedis.Jedis;

/**
 * The Redis server's clock: stream entry IDs are stamped with it, so ages and rates computed
 * from them must use it too, not the daemon's (they may be on different machines).
 */
public final class ServerClock {
    private ServerClock() {
    }

    public static long nowMillis(Jedis j) {
        List<String> t = j.time();
        return Long.parseLong(t.get(0)) * 1000 + Long.parseLong(t.get(1)) / 1000;
    }
}
