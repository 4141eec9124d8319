package io.statestore.client.internal.events;

import io.statestore.client.events.EventHandler;
import io.statestore.client.spi.RedisGateway;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.StreamEntryID;
import redis.clients.jedis.params.XReadParams;
import redis.clients.jedis.resps.StreamEntry;

/** Follows one stream without a group: XREAD BLOCK from the last ID seen. A failing handler ends it. */
final class TailLoop extends Worker {
    private static final Logger LOG = LoggerFactory.getLogger(TailLoop.class);
    private final String stream;
    private final EventHandler handler;
    private String lastId;

    TailLoop(RedisGateway redis, String stream, String afterId, EventHandler handler) {
        super(redis, "statestore-tail-" + stream, stream);
        this.stream = stream;
        this.lastId = afterId;
        this.handler = handler;
    }

    @Override
    boolean step(Jedis conn) throws InterruptedException {
        if (lastId.equals("$")) {
            List<StreamEntry> last = conn.xrevrange(stream, "+", "-", 1);
            lastId = last.isEmpty() ? "0-0" : last.get(0).getID().toString();
        }
        List<Map.Entry<String, List<StreamEntry>>> got = conn.xread(
                XReadParams.xReadParams().count(100).block(500),
                Map.of(stream, new StreamEntryID(lastId.equals("0") ? "0-0" : lastId)));
        if (got == null) {
            return true;
        }
        for (Map.Entry<String, List<StreamEntry>> s : got) {
            for (StreamEntry e : s.getValue()) {
                try {
                    handler.handle(Entries.toEvent(e, 0));
                } catch (InterruptedException ie) {
                    Thread.currentThread().interrupt();
                    throw ie;
                } catch (Exception ex) {
                    LOG.warn("tail of {} stopped: handler failed on {}: {}", stream, e.getID(), ex.toString());
                    return false;
                }
                lastId = e.getID().toString();
                if (!running()) {
                    return false;
                }
            }
        }
        return true;
    }
}
