package io.statestore.events;

import io.statestore.client.EventBus;
import io.statestore.client.StateStoreOptions;
import io.statestore.client.events.EventBusOptions;
import io.statestore.client.events.SpoolOptions;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

/**
 * A publisher in its own JVM for {@link SpoolOutageTest}. Args: the Redis URL (a port alone: {@code redis://127.0.0.1:PORT}), spool dir, first n,
 * last n (exclusive), then {@code halt} (stop dead after publishing, like a crash: no close) or
 * {@code drain} (wait until the spool is empty, then close and exit 0). Prints "published N"
 * every 100 events.
 */
public final class SpoolPublisherProcess {
    private SpoolPublisherProcess() {}

    public static void main(String[] args) throws Exception {
        String uri = args[0].contains("://") ? args[0] : "redis://127.0.0.1:" + args[0];
        Path spool = Path.of(args[1]);
        int from = Integer.parseInt(args[2]);
        int to = Integer.parseInt(args[3]);
        String mode = args[4];
        EventBus bus = EventBus.open(
                StateStoreOptions.builder()
                        .uri(uri)
                        .writer("pub")
                        .timeout(Duration.ofSeconds(1))
                        .build(),
                EventBusOptions.builder()
                        .spool(SpoolOptions.in(spool))
                        .publishTimeout(Duration.ofMillis(500))
                        .build());
        for (int i = from; i < to; i++) {
            bus.publish("outage", "spool-test", Map.of("n", i));
            if ((i + 1) % 100 == 0) {
                System.out.println("published " + (i + 1));
            }
            Thread.sleep(1);
        }
        System.out.println("all published, spool depth " + bus.spoolStatus().depth());
        if (mode.equals("halt")) {
            Runtime.getRuntime().halt(0);
        }
        long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
        while (bus.spoolStatus().depth() > 0) {
            if (System.nanoTime() > deadline) {
                System.out.println("spool not drained: " + bus.spoolStatus());
                System.exit(3);
            }
            Thread.sleep(20);
        }
        bus.close();
        System.out.println("drained");
    }
}
