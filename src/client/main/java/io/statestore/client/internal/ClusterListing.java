package io.statestore.client.internal;

import io.statestore.client.spi.FunctionCalls;
import io.statestore.client.spi.KeyLayout;
import io.statestore.client.spi.RedisGateway;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import redis.clients.jedis.params.ScanParams;
import redis.clients.jedis.resps.ScanResult;

/**
 * Listing by prefix on Redis Cluster, where each slot that holds documents has its own index
 * ({@code P index{T}}): finds the indexes on every primary (SCAN), reads each with
 * {@code ss_list} (routed by the index's slot) and merges the names in byte order, the order
 * of one index on a standalone server. A slot that moves between two primaries while this
 * runs may be missed or read twice (names are de-duplicated); docs/cluster.md.
 */
final class ClusterListing {
    private final RedisGateway redis;
    private final KeyLayout layout;

    ClusterListing(RedisGateway redis, KeyLayout layout) {
        this.redis = redis;
        this.layout = layout;
    }

    List<String> list(String prefix) {
        List<String> indexes = new ArrayList<>();
        for (RedisGateway node : redis.primaryGateways()) {
            try (node) {
                indexes.addAll(indexesOn(node));
            }
        }
        List<byte[]> names = new ArrayList<>();
        for (String index : indexes) {
            String cursor = "";
            do {
                List<Object> reply =
                        FunctionCalls.list(redis.fcallReadOnly(FunctionCalls.listIndex(index, prefix, cursor), prefix));
                cursor = FunctionCalls.text(reply.get(0));
                for (int i = 1; i < reply.size(); i++) {
                    names.add(FunctionCalls.text(reply.get(i)).getBytes(StandardCharsets.UTF_8));
                }
            } while (!cursor.isEmpty());
        }
        names.sort(Arrays::compareUnsigned);
        List<String> out = new ArrayList<>(names.size());
        byte[] last = null;
        for (byte[] n : names) {
            if (last == null || !Arrays.equals(last, n)) {
                out.add(new String(n, StandardCharsets.UTF_8));
            }
            last = n;
        }
        return out;
    }

    /** The per-slot index keys a primary holds. */
    private List<String> indexesOn(RedisGateway node) {
        List<String> out = new ArrayList<>();
        ScanParams params = new ScanParams().match(layout.prefix() + "index{*}").count(1000);
        String cursor = ScanParams.SCAN_POINTER_START;
        do {
            String from = cursor;
            ScanResult<String> page = node.call(j -> j.scan(from, params, "zset"), null, false);
            out.addAll(page.getResult());
            cursor = page.getCursor();
        } while (!cursor.equals(ScanParams.SCAN_POINTER_START));
        return out;
    }
}
