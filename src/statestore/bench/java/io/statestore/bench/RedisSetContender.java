package io.statestore.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.JedisPool;

/**
 * The ceiling: a plain Jedis SET of the document's bytes (serialized once, before the cell),
 * through a connection pool, with no revision, metadata, feed or read.
 */
final class RedisSetContender implements Contender {
    private final BenchRedis admin;
    private final JedisPool pool;
    private final ObjectMapper mapper = new ObjectMapper();
    private byte[][] bytes;

    RedisSetContender(BenchRedis admin, int poolSize) {
        this.admin = admin;
        this.pool = admin.pool(poolSize);
    }

    @Override
    public String name() {
        return "SET";
    }

    @Override
    public void prepare(Workload w) throws Exception {
        admin.flushAll();
        bytes = new byte[w.clients()][];
        for (int c = 0; c < w.clients(); c++) {
            bytes[c] = mapper.writeValueAsBytes(Documents.generate(w.targetBytes(), c, mapper));
        }
    }

    @Override
    public ClientOp client(Workload w, int client) {
        byte[] key = w.key(client).getBytes(java.nio.charset.StandardCharsets.UTF_8);
        byte[] value = bytes[client];
        return seq -> {
            try (Jedis j = pool.getResource()) {
                j.set(key, value);
            }
        };
    }

    @Override
    public void close() {
        pool.close();
    }
}
