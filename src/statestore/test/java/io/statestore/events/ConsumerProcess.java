package io.statestore.events;

import io.statestore.client.EventBus;
import io.statestore.client.StateStoreOptions;
import io.statestore.client.events.ConsumeOptions;
import io.statestore.client.events.EventBusOptions;
import java.time.Duration;
import java.util.List;
import redis.clients.jedis.Jedis;

/**
 * A consumer in its own JVM (killed with SIGKILL by {@link ConsumerKillTest}). Its handler
 * counts each event idempotently ({@code HSETNX handled <event id>}) and every delivery
 * ({@code INCR deliveries}). Args: redis port, consumer name.
 */
public final class ConsumerProcess {
    private ConsumerProcess() {}

    public static void main(String[] args) throws Exception {
        int port = Integer.parseInt(args[0]);
        String name = args[1];
        ConsumeOptions opts = ConsumeOptions.builder()
                .block(Duration.ofMillis(200))
                .reclaimIdle(Duration.ofMillis(1000))
                .reclaimEvery(Duration.ofMillis(300))
                .batchSize(50)
                .maxDeliveries(1000)
                .build();
        try (Jedis effects = new Jedis("127.0.0.1", port); // only the consumer thread uses it
                EventBus bus = EventBus.open(
                        StateStoreOptions.builder()
                                .uri("redis://127.0.0.1:" + port)
                                .writer(name)
                                .build(),
                        EventBusOptions.DEFAULT)) {
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
}
