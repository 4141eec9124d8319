package io.statestore.client.spi;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import java.util.function.Function;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.Pipeline;
import redis.clients.jedis.Response;
import redis.clients.jedis.Transaction;
import redis.clients.jedis.exceptions.JedisDataException;
import redis.clients.jedis.exceptions.JedisException;

/**
 * A connection of its own for a caller that WATCHes keys and commits with MULTI/EXEC (the
 * importer): an optimistic transaction needs one connection from WATCH to EXEC, which the pool
 * cannot promise. Failures map to the statestore exception family as on the pool; an error reply
 * to one command of a pipeline or a transaction comes back in that command's place instead, as an
 * {@link FunctionCalls.ErrorReply}, since the other commands' outcomes stand.
 */
public final class WatchSession implements AutoCloseable {
    /** The commands a transaction may queue. */
    public interface Queue {
        void fcall(FunctionCalls.Call call);

        void hset(String key, String field, String value);
    }

    private final RedisGateway gateway;
    private final Jedis jedis;

    WatchSession(RedisGateway gateway, Jedis jedis) {
        this.gateway = gateway;
        this.jedis = jedis;
    }

    public List<String> hmget(String key, List<String> fields) {
        return run(j -> j.hmget(key, fields.toArray(String[]::new)), key, false);
    }

    public String hget(String key, String field) {
        return run(j -> j.hget(key, field), key, false);
    }

    public void hset(String key, String field, String value) {
        run(j -> j.hset(key, field, value), key, true);
    }

    public void hdel(String key, String field) {
        run(j -> j.hdel(key, field), key, true);
    }

    /** WATCHes {@code keys}: the next {@link #transaction} commits nothing if any of them changes first. */
    public void watch(List<String> keys) {
        run(j -> j.watch(keys.toArray(String[]::new)), null, false);
    }

    public void unwatch() {
        run(Jedis::unwatch, null, false);
    }

    /** Read-only function calls sent in one pipeline; each reply, or its {@link FunctionCalls.ErrorReply}, in order. */
    public List<Object> readAll(List<FunctionCalls.Call> calls) {
        return run(
                j -> {
                    Pipeline p = j.pipelined();
                    List<Response<Object>> responses = new ArrayList<>(calls.size());
                    for (FunctionCalls.Call c : calls) {
                        responses.add(p.fcallReadonly(c.function(), c.keys(), c.args()));
                    }
                    p.sync();
                    List<Object> out = new ArrayList<>(calls.size());
                    for (Response<Object> r : responses) {
                        try {
                            out.add(r.get());
                        } catch (JedisDataException e) {
                            out.add(new FunctionCalls.ErrorReply(e.getMessage()));
                        }
                    }
                    return out;
                },
                null,
                false);
    }

    /**
     * Queues what {@code body} gives between MULTI and EXEC. Returns each command's reply (or
     * {@link FunctionCalls.ErrorReply}) in order, or null when a WATCHed key changed and nothing was written.
     */
    public List<Object> transaction(Consumer<Queue> body) {
        return run(
                j -> {
                    Transaction t = j.multi();
                    body.accept(new Queue() {
                        @Override
                        public void fcall(FunctionCalls.Call call) {
                            t.fcall(call.function(), call.keys(), call.args());
                        }

                        @Override
                        public void hset(String key, String field, String value) {
                            t.hset(key, field, value);
                        }
                    });
                    List<Object> results = t.exec();
                    if (results == null) {
                        return null;
                    }
                    List<Object> out = new ArrayList<>(results.size());
                    for (Object r : results) {
                        out.add(r instanceof Exception e ? new FunctionCalls.ErrorReply(e.getMessage()) : r);
                    }
                    return out;
                },
                null,
                true);
    }

    private <T> T run(Function<Jedis, T> work, String subject, boolean writes) {
        try {
            return work.apply(jedis);
        } catch (JedisException e) {
            throw gateway.map(e, subject, writes);
        }
    }

    @Override
    public void close() {
        jedis.close();
    }
}
