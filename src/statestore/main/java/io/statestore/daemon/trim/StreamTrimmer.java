package io.statestore.daemon.trim;

import io.statestore.client.spi.KeyLayout;
import io.statestore.daemon.config.DaemonConfig;
import io.statestore.daemon.redis.Commands;
import io.statestore.daemon.redis.RedisAdmin;
import io.statestore.daemon.redis.Shard;
import io.statestore.daemon.redis.SlotKeys;
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
 * and oldest pending id. On a cluster the change feed ({@code <prefix>feed}) is one stream per
 * slot ({@code <prefix>feed{T}}, docs/cluster.md): its rule applies to each of them, found by
 * SCAN on every primary.
 */
public final class StreamTrimmer {
    private static final Logger LOG = LoggerFactory.getLogger(StreamTrimmer.class);
    private final RedisAdmin redis;
    private final KeyLayout layout;

    /** On a standalone server or Sentinel primary: every stream is one key. */
    public StreamTrimmer(RedisAdmin redis) {
        this(redis, new KeyLayout("ss:"));
    }

    public StreamTrimmer(RedisAdmin redis, KeyLayout layout) {
        this.redis = redis;
        this.layout = layout;
    }

    /** Trims one configured stream (on a cluster, every slot feed for the change feed); returns the entries removed. */
    public long trim(DaemonConfig.Stream s) {
        if (!layout.perSlot() || !s.key().equals(layout.prefix() + "feed")) {
            return trim(redis, s.key(), s);
        }
        long removed = 0;
        for (Shard shard : redis.shards()) {
            for (String feed : SlotKeys.scan(shard, layout.prefix() + "feed{*}", "stream")) {
                removed += trim(shard, feed, s);
            }
        }
        return removed;
    }

    private long trim(Commands at, String key, DaemonConfig.Stream s) {
        if (!at.with(j -> j.exists(key))) {
            return 0;
        }
        StreamEntryID cutId = null;
        if (s.maxAge() != null) {
            List<String> t = at.with(j -> j.time());
            long now = Long.parseLong(t.get(0)) * 1000 + Long.parseLong(t.get(1)) / 1000;
            cutId = new StreamEntryID(Math.max(0, now - s.maxAge().toMillis()), 0);
        }
        if (s.maxLength() > 0) {
            List<StreamEntry> last = at.with(j ->
                    j.xrevrange(key, (StreamEntryID) null, null, (int) Math.min(Integer.MAX_VALUE, s.maxLength())));
            if (last.size() == s.maxLength()) {
                StreamEntryID keepFrom = last.get(last.size() - 1).getID();
                cutId = cutId == null || keepFrom.compareTo(cutId) > 0 ? keepFrom : cutId;
            }
        }
        if (cutId == null) {
            return 0;
        }
        for (StreamGroupInfo g : at.with(j -> j.xinfoGroups(key))) {
            StreamEntryID floor = g.getLastDeliveredId();
            Map<String, Object> info = g.getGroupInfo();
            Object pendingCount = info.get("pending");
            if (pendingCount instanceof Long n && n > 0) {
                var summary = at.with(j -> j.xpending(key, g.getName()));
                if (summary.getMinId() != null && summary.getMinId().compareTo(floor) < 0) {
                    floor = summary.getMinId();
                }
            }
            if (floor.compareTo(cutId) < 0) {
                cutId = floor;
            }
        }
        StreamEntryID minId = cutId;
        long removed = at.with(j -> j.xtrim(key, XTrimParams.xTrimParams().minId(minId.toString())));
        if (removed > 0) {
            LOG.info("trim: removed {} entries from {} (kept from id {})", removed, key, minId);
        }
        return removed;
    }
}
