package io.statestore.client.spi;

import java.time.Duration;
import redis.clients.jedis.DefaultJedisClientConfig;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.RedisProtocol;

/** The shared connection the multiplexing tests open: RESP2, as the gateway opens it, with a socket timeout. */
final class TestConnections {
    private TestConnections() {}

    static MultiplexedConnection multiplexed(int port, Duration timeout) {
        return new MultiplexedConnection(
                new HostAndPort("127.0.0.1", port),
                DefaultJedisClientConfig.builder()
                        .timeoutMillis((int) timeout.toMillis())
                        .protocol(RedisProtocol.RESP2)
                        .build());
    }
}
