package io.statestore.bench;

import com.fasterxml.jackson.databind.JsonNode;
import io.statestore.client.StrictJson;
import io.statestore.client.spi.FunctionCalls;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import redis.clients.jedis.Connection;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.Protocol;

/**
 * The least a feed-based watch can do, for WatchBenchmark's {@code --floor}: one thread in an
 * XREAD BLOCK loop on the feed, parsing each entry's change and reporting its {@code seq}.
 * No snapshot, no reconnects, no callbacks of statestore's: a measuring stick, not a watcher.
 * With {@code gapCheck}, each XREAD travels with the gap check statestore's watcher pipelines
 * behind it ({@code FCALL_RO ss_read FEED AFTER 0}, docs/watch.md), whose reply is waited for and
 * read but not acted on: the difference shows what that check costs the delay.
 */
final class FeedFloor implements AutoCloseable {
    /** Called with a change's {@code seq} and the time it was read. */
    interface Seen {
        void seen(int seq, long nanoTime);
    }

    private final Jedis jedis;
    private final Thread reader;
    private volatile boolean closed;

    private FeedFloor(Jedis jedis, Thread reader) {
        this.jedis = jedis;
        this.reader = reader;
    }

    static FeedFloor start(String uri, String feed, boolean gapCheck, Seen seen, Runnable started) {
        Jedis jedis = new Jedis(URI.create(uri));
        // the position before any measured write: the feed's last entry now
        List<?> last = (List<?>) jedis.sendCommand(Protocol.Command.XREVRANGE, feed, "+", "-", "COUNT", "1");
        String start = last.isEmpty() ? "0-0" : text(((List<?>) last.get(0)).get(0));
        FeedFloor[] self = new FeedFloor[1];
        Thread t = new Thread(() -> self[0].loop(feed, start, gapCheck, seen), "bench-feed-floor");
        t.setDaemon(true);
        self[0] = new FeedFloor(jedis, t);
        t.start();
        started.run();
        return self[0];
    }

    private void loop(String feed, String from, boolean gapCheck, Seen seen) {
        String after = from;
        try {
            while (!closed) {
                Connection c = jedis.getConnection();
                c.sendCommand(Protocol.Command.XREAD, "COUNT", "500", "BLOCK", "200", "STREAMS", feed, after);
                if (gapCheck) {
                    FunctionCalls.Call check = FunctionCalls.read(feed, after, 0);
                    List<String> args = new ArrayList<>();
                    args.add(check.function());
                    args.add(Integer.toString(check.keys().size()));
                    args.addAll(check.keys());
                    args.addAll(check.args());
                    c.sendCommand(Protocol.Command.FCALL_RO, args.toArray(new String[0]));
                }
                List<Object> replies = c.getMany(gapCheck ? 2 : 1);
                Object reply = replies.get(0);
                if (!(reply instanceof List<?> streams) || streams.isEmpty()) {
                    continue;
                }
                for (Object entry : (List<?>) ((List<?>) streams.get(0)).get(1)) {
                    List<?> e = (List<?>) entry;
                    after = text(e.get(0));
                    List<?> fields = (List<?>) e.get(1);
                    for (int i = 0; i + 1 < fields.size(); i += 2) {
                        if ("change".equals(text(fields.get(i)))) {
                            JsonNode change = StrictJson.parse(text(fields.get(i + 1)));
                            seen.seen(change.path("seq").asInt(), System.nanoTime());
                        }
                    }
                }
            }
        } catch (RuntimeException e) {
            if (!closed) {
                System.err.println("bench watch: the bare reader stopped: " + e);
            }
        }
    }

    private static String text(Object o) {
        return o instanceof byte[] b ? new String(b, StandardCharsets.UTF_8) : String.valueOf(o);
    }

    @Override
    public void close() throws InterruptedException {
        closed = true;
        reader.join(2000);
        jedis.close();
    }
}
