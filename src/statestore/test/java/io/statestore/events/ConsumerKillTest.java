package io.statestore.events;

import io.statestore.client.StateStore;
import io.statestore.testing.RedisServerExtension;
import java.io.File;
import org.junit.jupiter.api.extension.RegisterExtension;
import redis.clients.jedis.RedisClient;
import redis.clients.jedis.UnifiedJedis;

/** Consumers in separate JVMs are killed with SIGKILL at random points while 10,000 events flow ({@link ConsumerKillContract}). */
class ConsumerKillTest implements ConsumerKillContract {
    @RegisterExtension
    static RedisServerExtension redis = RedisServerExtension.portable();

    @Override
    public String busUri() {
        return "redis://127.0.0.1:" + redis.port();
    }

    @Override
    public StateStore newStore() {
        return redis.newStore();
    }

    @Override
    public UnifiedJedis inspector() {
        return RedisClient.create("127.0.0.1", redis.port());
    }

    @Override
    public String flowStream() {
        return "ss:{ev}:t:flow";
    }

    @Override
    public File consumerLog() {
        return redis.dataDir().resolve("consumers.log").toFile();
    }
}
