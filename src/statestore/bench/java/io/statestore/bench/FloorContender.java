package io.statestore.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.List;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.JedisPool;

/**
 * The floor of any design that keeps statestore's contract with a Redis function: one FCALL
 * per update that does only the writes the contract requires (the document, a feed entry, the
 * change notification, the revision in the metadata) with nothing read, checked or computed:
 * no compare-and-set, no type or expiry check, no history policy, no JSON work on the client
 * (the document's bytes are serialized once, before the cell, as for SET). statestore's own
 * function does all of that on top, so it cannot beat this; the gap between the two is what
 * the checks and the client cost (docs/benchmarks.md, "The floor"). It is the portable mode's
 * floor: the document is a string, also when the server has a JSON module.
 */
final class FloorContender implements Contender {
    static final String LIBRARY = BenchLua.library("floor.lua");

    private final BenchRedis admin;
    private final JedisPool pool;
    private final long feedMax;
    private final ObjectMapper mapper = new ObjectMapper();
    private String[] docs;

    FloorContender(BenchRedis admin, int poolSize, long feedMax) {
        this.admin = admin;
        this.pool = admin.pool(poolSize);
        this.feedMax = feedMax;
        try (Jedis j = pool.getResource()) {
            j.functionLoadReplace(LIBRARY);
        }
    }

    @Override
    public String name() {
        return "floor";
    }

    @Override
    public void prepare(Workload w) throws Exception {
        admin.flushAll(); // functions survive FLUSHALL
        docs = new String[w.clients()];
        for (int c = 0; c < w.clients(); c++) {
            docs[c] = mapper.writeValueAsString(Documents.generate(w.targetBytes(), c, mapper));
        }
    }

    @Override
    public ClientOp client(Workload w, int client) {
        String key = w.key(client);
        List<String> keys = List.of(key, "floor:m:{" + key + "}", "floor:feed");
        String doc = docs[client];
        String feedMaxArg = Long.toString(feedMax == 0 ? Long.MAX_VALUE : feedMax);
        // What statestore puts in the feed: the whole document for a put, the patch or the step otherwise.
        String change = switch (w.op()) {
            case PUT -> doc;
            case MERGE -> Documents.patch(client, 0).toString();
            case INCREMENT -> "{\"incr\":\"" + Documents.COUNTER_PATH + "\",\"by\":1}";
        };
        String op = w.op().label();
        return seq -> {
            try (Jedis j = pool.getResource()) {
                j.fcall(
                        "floor_write",
                        keys,
                        List.of(doc, Long.toString(seq + 1), Long.toString(seq), op, feedMaxArg, change));
            }
        };
    }

    @Override
    public void close() {
        pool.close();
    }
}
