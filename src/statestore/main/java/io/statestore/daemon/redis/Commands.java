package io.statestore.daemon.redis;

import java.util.function.Function;
import redis.clients.jedis.Jedis;

/** Where a piece of administrative work runs: the daemon's server ({@link RedisAdmin}) or one primary ({@link Shard}). */
public interface Commands {
    <T> T with(Function<Jedis, T> work);
}
