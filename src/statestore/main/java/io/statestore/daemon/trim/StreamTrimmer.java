package io.statestore.daemon.trim;

import io.statestore.daemon.config.DaemonConfig;
import io.statestore.daemon.redis.RedisAdmin;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import redis.clients.jedis.StreamEntryID;
import redis.clients.jedis.params.XTrimParams;
import redis.clients.jedis.resps.StreamEntry;
import redis.clients.jedis.resps.StreamGroupInfo;

/**
 * Trims streams by age and length, but never past an entry a consumer group has not yet
 * read or acknowledged: the cut is clamped to the oldest of each group's last-delivered id
 * and oldest pending id.
 */
public final class StreamTrimmer {
    private static final Logger LOG = LoggerFactory.getLogger(StreamTrimmer.class);
    private final RedisAdmin redis;

    public StreamTrimmer(RedisAdmin redis) {
        this.redis = redis;
    }

    /** Trims one stream; returns the number of entries removed. */
    public long trim(DaemonConfig.Stream s) {
        if (!redis.with(j -> j.exists(s.key()))) {
            return 0;
        }
        StreamEntryID cutId = null;
        if (s.maxAge() != null) {
            List<String> t = redis.with(j -> j.time());
            long now = Long.parseLong(t.get(0)) * 1000 + Long.parseLong(t.get(1)) / 1000;
            cutId = new StreamEntryID(Math.max(0, now - s.maxAge().toMillis()), 0);
        }
        if (s.maxLength() > 0) {
            List<StreamEntry> last = redis.with(j ->
                    j.xrevrange(s.key(), (StreamEntryID) null, null, (int) Math.min(Integer.MAX_VALUE, s.maxLength())));
            if (last.size() == s.maxLength()) {
                StreamEntryID keepFrom = last.get(last.size() - 1).getID();
                cutId = cutId == null || keepFrom.compareTo(cutId) > 0 ? keepFrom : cutId;
            }
        }
        if (cutId == null) {
            return 0;
        }
        for (StreamGroupInfo g : redis.with(j -> j.xinfoGroups(s.key()))) {
            StreamEntryID floor = g.getLastDeliveredId();
            Map<String, Object> info = g.getGroupInfo();
            Object pendingCount = info.get("pending");
            if (pendingCount instanceof Long n && n > 0) {
                var summary = redis.with(j -> j.xpending(s.key(), g.getName()));
                if (summary.getMinId() != null && summary.getMinId().compareTo(floor) < 0) {
                    floor = summary.getMinId();
                }
            }
            if (floor.compareTo(cutId) < 0) {
                cutId = floor;
            }
        }
        StreamEntryID minId = cutId;
        long removed =
                redis.with(j -> j.xtrim(s.key(), XTrimParams.xTrimParams().minId(minId.toString())));
        if (removed > 0) {
            LOG.info("trim: removed {} entries from {} (kept from id {})", removed, s.key(), minId);
        }
        return removed;
    }
}
