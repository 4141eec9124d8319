package io.statestore.events;

import io.statestore.client.EventBus;
import io.statestore.client.StateStoreOptions;
import io.statestore.client.events.ConsumeOptions;
import io.statestore.client.events.EventBusOptions;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.JedisCluster;
import redis.clients.jedis.RedisClient;
import redis.clients.jedis.UnifiedJedis;

/**
 * A consumer in its own JVM (killed with SIGKILL by {@link ConsumerKillTest}). Its handler
 * counts each event idempotently ({@code HSETNX handled <event id>}) and every delivery
 * ({@code INCR deliveries}). Args: the Redis URL ({@code redis://} or {@code redis-cluster://};
 * a port alone means {@code redis://127.0.0.1:PORT}), consumer name.
 */
public final class ConsumerProcess {
    private ConsumerProcess() {}

    public static void main(String[] args) throws Exception {
        String uri = args[0].contains("://") ? args[0] : "redis://127.0.0.1:" + args[0];
        String name = args[1];
        ConsumeOptions opts = ConsumeOptions.builder()
                .block(Duration.ofMillis(200))
                .reclaimIdle(Duration.ofMillis(1000))
                .reclaimEvery(Duration.ofMillis(300))
                .batchSize(50)
                .maxDeliveries(1000)
                .build();
        try (UnifiedJedis effects = effects(uri); // only the consumer thread uses it
                EventBus bus = EventBus.open(
                        StateStoreOptions.builder().uri(uri).writer(name).build(), EventBusOptions.DEFAULT)) {
            bus.consume(
                    List.of("flow"),
                    "workers",
                    name,
                    e -> {
                        effects.incr("test:deliveries");
                        effects.hsetnx("test:handled", e.id(), "1");
                    },
                    opts);
            System.out.println("started");
            Thread.sleep(Long.MAX_VALUE);
        }
    }

    /** Where the handler counts: the same server, or the same cluster (routed by key). */
    static UnifiedJedis effects(String uri) {
        String hosts = uri.substring(uri.indexOf("://") + 3);
        if (uri.startsWith("redis-cluster://")) {
            Set<HostAndPort> seeds = new HashSet<>();
            for (String h : hosts.split(",")) {
                seeds.add(HostAndPort.from(h));
            }
            return new JedisCluster(seeds);
        }
        return RedisClient.create(HostAndPort.from(hosts.replaceAll("/.*", "")));
    }
}
