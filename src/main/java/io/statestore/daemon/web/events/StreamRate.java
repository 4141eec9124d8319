package io.statestore.daemon.web.events;

import io.statestore.daemon.web.ops.OpsParams;
import java.util.List;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.resps.StreamEntry;

/**
 * Entries added per second over the last minute, from the entry IDs (which carry the server's
 * time of the append). Redis has no "count in ID range" command, so this reads the newest
 * entries of the minute, at most {@link #SAMPLE}: below that the count is exact; at the cap the
 * rate is estimated from how long those newest entries took to arrive. The cap bounds the
 * bytes one dashboard refresh pulls from a busy stream (entries carry their payload).
 *
 * @param perSecond entries per second
 * @param estimated true when the minute held more than {@link #SAMPLE} entries
 */
public record StreamRate(double perSecond, boolean estimated) {
    public static final int SAMPLE = 200;
    static final long WINDOW_MS = 60_000;

    static StreamRate of(Jedis j, String key, long nowMs) {
        List<StreamEntry> recent = j.xrevrange(key, "+", (nowMs - WINDOW_MS) + "-0", SAMPLE);
        if (recent.size() < SAMPLE) {
            return new StreamRate(recent.size() * 1000.0 / WINDOW_MS, false);
        }
        long oldest = OpsParams.idMillis(recent.get(SAMPLE - 1).getID().toString());
        long span = Math.max(1, nowMs - oldest);
        return new StreamRate(SAMPLE * 1000.0 / span, true);
    }
}
