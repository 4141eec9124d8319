package io.statestore.daemon.redis;

import io.statestore.client.spi.FunctionCalls;
import io.statestore.client.spi.KeyLayout;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
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
        FunctionCalls.Call configure = protocol.configure(feedMaxLength, jsonCheck);
        admin.with(j -> j.fcall(configure.function(), configure.keys(), configure.args()));
        if (!jsonCheck) {
            LOG.warn("redis.jsonCheck is false: the functions store JSON values unchecked (trusted writers)");
        }
    }

    /**
     * Sets the event bus's limits for every publisher (hash {@code <prefix>{ev}:config}; events
     * library v5 takes them over a publisher's own): stream length, how long and how many
     * published IDs are remembered for dropping re-sends.
     */
    public void eventBusLimits(long maxLength, java.time.Duration idRetention, long maxIds) {
        admin.with(j -> j.hset(
                layout.prefix() + "{ev}:config",
                java.util.Map.of(
                        "maxlen",
                        Long.toString(maxLength),
                        "idretention",
                        Long.toString(idRetention.toMillis()),
                        "maxids",
                        Long.toString(maxIds))));
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
