package io.statestore.daemon.web.events;

import io.statestore.daemon.web.ops.OpsParams;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import redis.clients.jedis.Jedis;

/**
 * Entries added per second over the last minute, from the entry IDs (which carry the server's
 * time of the append). Redis has no "count in ID range" command, so {@code stream-rate.lua}
 * counts the newest entries of the minute on the server, at most {@link #SAMPLE}: below that the
 * count is exact; at the cap the rate is estimated from how long those newest entries took to
 * arrive. The cap bounds the server's work per stream and refresh.
 *
 * @param perSecond entries per second
 * @param estimated true when the minute held more than {@link #SAMPLE} entries
 */
public record StreamRate(double perSecond, boolean estimated) {
    public static final int SAMPLE = 200;
    static final long WINDOW_MS = 60_000;
    private static final String SCRIPT = script();

    static StreamRate of(Jedis j, String key) {
        List<?> reply =
                (List<?>) j.eval(SCRIPT, List.of(key), List.of(Long.toString(WINDOW_MS), Integer.toString(SAMPLE)));
        long count = (Long) reply.get(0);
        if (count < SAMPLE) {
            return new StreamRate(count * 1000.0 / WINDOW_MS, false);
        }
        long oldest = OpsParams.idMillis((String) reply.get(1));
        long span = Math.max(1, (Long) reply.get(2) - oldest);
        return new StreamRate(SAMPLE * 1000.0 / span, true);
    }

    private static String script() {
        try (InputStream in = StreamRate.class.getResourceAsStream("/io/statestore/daemon/web/stream-rate.lua")) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
