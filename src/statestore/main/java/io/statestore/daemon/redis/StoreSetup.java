package io.statestore.daemon.redis;

import io.statestore.client.spi.FunctionCalls;
import io.statestore.client.spi.KeyLayout;
import io.statestore.client.spi.SlotTags;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import redis.clients.jedis.Pipeline;
import redis.clients.jedis.Response;
import redis.clients.jedis.exceptions.JedisRedirectionException;
import redis.clients.jedis.params.ScanParams;
import redis.clients.jedis.resps.ScanResult;

/**
 * What the daemon puts in order when it starts, before any job runs: the store settings it owns
 * (the feed length every write trims to) and the key layout of documents written by an older
 * function library (docs/key-layout.md, "Layout upgrade"). Both are idempotent.
 */
public final class StoreSetup {
    private static final Logger LOG = LoggerFactory.getLogger(StoreSetup.class);
    private static final int SCAN_COUNT = 1000;

    private final RedisAdmin admin;
    private final KeyLayout layout;
    private final FunctionCalls protocol;

    public StoreSetup(RedisAdmin admin, KeyLayout layout) {
        this.admin = admin;
        this.layout = layout;
        this.protocol = new FunctionCalls(layout);
    }

    /**
     * Sets the store settings the daemon owns (ss_config_set: the one place they are decided for
     * every writer): the feed length, and whether the functions check JSON values.
     */
    public void settings(long feedMaxLength, boolean jsonCheck) {
        if (layout.perSlot()) {
            int slots = settingsOnEverySlot(feedMaxLength, jsonCheck);
            LOG.info("store settings (feedmax {}, jsoncheck {}) set on {} slots", feedMaxLength, jsonCheck, slots);
        } else {
            FunctionCalls.Call configure = protocol.configure(feedMaxLength, jsonCheck);
            admin.with(j -> j.fcall(configure.function(), configure.keys(), configure.args()));
        }
        if (!jsonCheck) {
            LOG.warn("redis.jsonCheck is false: the functions store JSON values unchecked (trusted writers)");
        }
    }

    /**
     * On a cluster every write reads the settings of its own slot ({@code P config{T}}), so they
     * are set on all 16,384: pipelined on each primary for the slots it serves; a call answered
     * with a redirect (its slot moved meanwhile) is sent again on its own, following it.
     * Reply: the slots written.
     */
    private int settingsOnEverySlot(long feedMaxLength, boolean jsonCheck) {
        java.util.BitSet done = new java.util.BitSet(SlotTags.SLOTS);
        for (Shard shard : admin.shards()) {
            List<Integer> slots = new ArrayList<>();
            for (int[] r : shard.node().orElseThrow().slots()) {
                for (int slot = r[0]; slot <= r[1]; slot++) {
                    slots.add(slot);
                }
            }
            List<Integer> moved = shard.with(j -> {
                Pipeline p = j.pipelined();
                List<Response<Object>> replies = new ArrayList<>(slots.size());
                for (int slot : slots) {
                    FunctionCalls.Call c = configureSlot(slot, feedMaxLength, jsonCheck);
                    replies.add(p.fcall(c.function(), c.keys(), c.args()));
                }
                p.sync();
                List<Integer> again = new ArrayList<>();
                for (int i = 0; i < replies.size(); i++) {
                    try {
                        replies.get(i).get();
                    } catch (JedisRedirectionException e) {
                        again.add(slots.get(i));
                    }
                }
                return again;
            });
            slots.forEach(done::set);
            for (int slot : moved) {
                FunctionCalls.Call c = configureSlot(slot, feedMaxLength, jsonCheck);
                admin.with(j -> j.fcall(c.function(), c.keys(), c.args()));
            }
        }
        for (int slot = done.nextClearBit(0); slot < SlotTags.SLOTS; slot = done.nextClearBit(slot + 1)) {
            FunctionCalls.Call c = configureSlot(slot, feedMaxLength, jsonCheck); // served by nobody at the look
            admin.with(j -> j.fcall(c.function(), c.keys(), c.args()));
        }
        return SlotTags.SLOTS;
    }

    private FunctionCalls.Call configureSlot(int slot, long feedMaxLength, boolean jsonCheck) {
        return FunctionCalls.configure(layout.settingsOfSlot(slot), feedMaxLength, jsonCheck);
    }

    /**
     * Sets the event bus's limits for every publisher (events library v5 takes them over a
     * publisher's own): stream length, how long and how many published IDs are remembered for
     * dropping re-sends. On one server they are one hash, {@code <prefix>{ev}:config}. On a
     * cluster a publish reads them from its type's slot, {@code <prefix>{ev:<type>}:config}, so
     * they are written for every type in the registry ({@code <prefix>{ev}:types}); a type first
     * published later gets them at the next call (the daemon calls this before each event trim).
     * Reply: the hashes written.
     */
    public int eventBusLimits(long maxLength, java.time.Duration idRetention, long maxIds) {
        java.util.Map<String, String> limits = java.util.Map.of(
                "maxlen",
                Long.toString(maxLength),
                "idretention",
                Long.toString(idRetention.toMillis()),
                "maxids",
                Long.toString(maxIds));
        if (!layout.perSlot()) {
            admin.with(j -> j.hset(layout.prefix() + "{ev}:config", limits));
            return 1;
        }
        java.util.Set<String> types = admin.with(j -> j.smembers(layout.prefix() + "{ev}:types"));
        for (String type : types) { // one key per call: each type's config is in its own slot
            admin.with(j -> j.hset(layout.prefix() + "{ev:" + type + "}:config", limits));
        }
        return types.size();
    }

    /**
     * Moves the metadata and history of tagged documents from where LIB_VERSION 10 kept them
     * ({@code ss:m:{g}x}) to their own place ({@code ss:mt:{g}x}). The functions also move them on
     * the next write and read the old place meanwhile, so this only makes the store uniform.
     * Reply: how many documents were moved.
     */
    public int upgradeLayout() {
        String match = layout.prefix() + "m:*";
        int moved = 0;
        String cursor = ScanParams.SCAN_POINTER_START;
        do {
            String c = cursor;
            ScanResult<String> page =
                    admin.with(j -> j.scan(c, new ScanParams().match(match).count(SCAN_COUNT)));
            for (String key : legacyDocuments(page.getResult())) {
                FunctionCalls.Call upgrade = protocol.upgrade(key);
                Object r = admin.with(j -> j.fcall(upgrade.function(), upgrade.keys(), upgrade.args()));
                if (r instanceof Long n && n == 1) {
                    moved++;
                }
            }
            cursor = page.getCursor();
        } while (!cursor.equals(ScanParams.SCAN_POINTER_START));
        if (moved > 0) {
            LOG.info("moved the metadata of {} documents with a hash tag to the layout of function library v11", moved);
        }
        return moved;
    }

    /** The tagged documents among metadata keys in the old layout: "m:" followed by the key itself. */
    private List<String> legacyDocuments(List<String> metaKeys) {
        List<String> docs = new ArrayList<>();
        int from = (layout.prefix() + "m:").length();
        for (String meta : metaKeys) {
            String rest = meta.substring(from);
            if (!KeyLayout.hasTag(rest)) {
                continue;
            }
            if (rest.startsWith("{") && rest.indexOf('}') == rest.length() - 1 && !admin.with(j -> j.exists(rest))) {
                continue; // "m:{x}" is "x"'s place too; "{x}" gets its share only if it exists
            }
            docs.add(rest);
        }
        return docs;
    }
}
