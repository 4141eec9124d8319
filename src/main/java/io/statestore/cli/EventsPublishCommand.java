package io.statestore.cli;

import com.fasterxml.jackson.databind.JsonNode;
import io.statestore.client.EventBus;
import io.statestore.client.StateStore;
import io.statestore.client.StateStoreOptions;
import io.statestore.client.events.EventBusOptions;
import io.statestore.client.events.SpoolOptions;
import io.statestore.client.events.SpoolStatus;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "publish", mixinStandardHelpOptions = true,
        description = {"Publish an event of TYPE with JSON DATA (text, or @FILE, @- for stdin). Prints the event ID.",
                "With --spool DIR, an event that cannot reach Redis is kept in the outage spool in DIR (exit 0, "
                        + "a note on stderr) and forwarded, in order and once, by the next publish with that spool "
                        + "once Redis is back."})
final class EventsPublishCommand extends StoreCommand implements RecordsWriter {
    @Parameters(index = "0", paramLabel = "TYPE", description = "The event type, e.g. asset.discovered.")
    String type;

    @Parameters(index = "1", paramLabel = "DATA", description = "JSON text, or @FILE: the JSON in FILE (@- for stdin).")
    String data;

    @Option(names = "--source", paramLabel = "NAME", description = "Who publishes (default: the writer name).")
    String source;

    @Option(names = "--spool", paramLabel = "DIR",
            description = "Outage spool directory: when Redis is unreachable the event is spooled there instead of failing.")
    String spool;

    @Option(names = "--spool-wait", paramLabel = "DURATION", defaultValue = "3s",
            description = "With --spool: how long to wait for events already in the spool to reach Redis before exiting (default: ${DEFAULT-VALUE}).")
    String spoolWait;

    @Override
    public Integer call() {
        JsonNode value = JsonInput.textOrFile(this, data, "DATA");
        if (spool != null) {
            return publishWithSpool(value);
        }
        try (StateStore store = openStore()) {
            out().println(store.events().publish(type, source != null ? source : store.options().writer(), value));
        }
        return 0;
    }

    /**
     * Through a bus with the spool. Events left in the spool by earlier runs are forwarded first
     * (the bus keeps order), so this waits up to --spool-wait for the spool to drain; when Redis
     * is down the event stays spooled and the command says so on stderr, exit 0.
     */
    private int publishWithSpool(JsonNode value) {
        Duration wait = Durations.parse(spoolWait, "--spool-wait");
        Path dir = file(spool);
        StateStoreOptions options = root().storeOptions();
        PrintWriter err = spec.commandLine().getErr();
        try (EventBus bus = EventBus.open(options, EventBusOptions.builder().spool(SpoolOptions.in(dir)).build())) {
            SpoolStatus opened = bus.spoolStatus();
            long before = opened.depth() + opened.forwarded(); // left by earlier runs, even if already forwarded
            String id = bus.publish(type, source != null ? source : options.writer(), value);
            SpoolStatus st = bus.spoolStatus();
            boolean failedJustNow = before == 0 && st.depth() > 0; // the direct attempt failed: Redis is down
            if (st.depth() > 0 && !failedJustNow) {
                long deadline = System.nanoTime() + wait.toNanos();
                while (st.depth() > 0 && System.nanoTime() < deadline) {
                    try {
                        Thread.sleep(20);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        break;
                    }
                    st = bus.spoolStatus();
                }
            }
            out().println(id);
            out().flush();
            if (st.depth() > 0) {
                err.println("statestore: events publish " + type + ": Redis unavailable; event spooled in " + dir
                        + " (" + st.depth() + (st.depth() == 1 ? " event" : " events")
                        + " waiting; the next publish with --spool " + spool + " forwards them once Redis is back)");
            } else if (before > 0) {
                err.println("statestore: events publish " + type + ": forwarded " + before
                        + (before == 1 ? " spooled event" : " spooled events") + " from " + dir + " before this one");
            }
            err.flush();
        }
        return 0;
    }

    @Override
    public String subject() {
        return type;
    }
}
