package io.statestore.cli;

import com.fasterxml.jackson.databind.JsonNode;
import io.statestore.client.Durations;
import io.statestore.client.EventBus;
import io.statestore.client.StateStore;
import io.statestore.client.StateStoreOptions;
import io.statestore.client.UnavailableException;
import io.statestore.client.events.EventBusOptions;
import io.statestore.client.events.SpoolOptions;
import io.statestore.client.events.SpoolStatus;
import io.statestore.client.spi.DefaultSpoolDir;
import io.statestore.client.spi.RedisEndpoint;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(
        name = "publish",
        mixinStandardHelpOptions = true,
        description = {
            "Publish an event of TYPE with JSON DATA (text, or @FILE, @- for stdin). Prints the event ID.",
            "An event that cannot reach Redis is kept in the outage spool (exit 0, one line on stderr) and "
                    + "forwarded, in order and once, when Redis is back: by the local daemon when the spool is "
                    + "its own, else by the next publish with that spool. The spool is the daemon's "
                    + "(<dataDir>/spool) when it serves this Redis and you may write there, else "
                    + "$XDG_STATE_HOME/statestore/spool/<server> (docs/events.md)."
        })
final class EventsPublishCommand extends StoreCommand implements RecordsWriter {
    @Parameters(index = "0", paramLabel = "TYPE", description = "The event type, e.g. asset.discovered.")
    String type;

    @Parameters(index = "1", paramLabel = "DATA", description = "JSON text, or @FILE: the JSON in FILE (@- for stdin).")
    String data;

    @Option(names = "--source", paramLabel = "NAME", description = "Who publishes (default: the writer name).")
    String source;

    @Option(names = "--spool", paramLabel = "DIR", description = "Outage spool directory instead of the default one.")
    String spool;

    @Option(
            names = "--no-spool",
            description = "No spool: when Redis is unreachable the publish fails (exit 5) and the event is not kept.")
    boolean noSpool;

    @Option(
            names = "--spool-wait",
            paramLabel = "DURATION",
            defaultValue = "3s",
            description = "How long to wait for events already in a spool this command owns to reach Redis before "
                    + "exiting (default: ${DEFAULT-VALUE}).")
    String spoolWait;

    @Override
    public Integer call() {
        JsonNode value = JsonInput.textOrFile(this, data, "DATA");
        if (noSpool) {
            if (spool != null) {
                throw new picocli.CommandLine.ParameterException(
                        spec.commandLine(), "--spool DIR and --no-spool exclude each other: give one");
            }
            try (StateStore store = openStore()) {
                out().println(store.events()
                        .publish(type, source != null ? source : store.options().writer(), value));
            }
            return 0;
        }
        return publishWithSpool(value);
    }

    /**
     * Through a bus with the spool. Events left in the spool by earlier runs are forwarded first
     * (the bus keeps order); when this command owns the spool it waits up to --spool-wait for
     * them. When the event is spooled, one line on stderr says where and who forwards it.
     */
    private int publishWithSpool(JsonNode value) {
        Duration wait = Durations.parse(spoolWait, "--spool-wait");
        StateStoreOptions options = root().storeOptions();
        String server = options.uri().toString();
        DefaultSpoolDir chosen = spool != null
                ? new DefaultSpoolDir(file(spool), false)
                : DefaultSpoolDir.forServer(server, System.getenv());
        Path dir = chosen.directory();
        PrintWriter err = spec.commandLine().getErr();
        try (EventBus bus = EventBus.open(
                options, EventBusOptions.builder().spool(SpoolOptions.in(dir)).build())) {
            SpoolStatus opened = bus.spoolStatus();
            long before = opened.depth() + opened.forwarded(); // left by earlier runs, even if already forwarded
            String id = bus.publish(type, source != null ? source : options.writer(), value);
            SpoolStatus st = bus.spoolStatus();
            if (st.owner() && st.online() && st.depth() > 0) {
                st = awaitForwarded(bus, st, wait);
            }
            out().println(id);
            out().flush();
            // A guest's depth is its files not yet taken by the spool's owner (the daemon), which may
            // take them at once: a guest that spooled says so whatever its depth reads now.
            if (st.spooled() > 0 && (st.depth() > 0 || !st.owner())) {
                err.println(
                        spooledNotice(server, dir, chosen.daemonsSpool(), st.owner(), st.online() && reachable(bus)));
            } else if (before > 0 && st.owner()) {
                err.println("statestore: events publish " + type + ": forwarded " + before
                        + (before == 1 ? " spooled event" : " spooled events") + " from " + dir + " before this one");
            }
            err.flush();
        }
        return 0;
    }

    private static SpoolStatus awaitForwarded(EventBus bus, SpoolStatus st, Duration wait) {
        long deadline = System.nanoTime() + wait.toNanos();
        while (st.depth() > 0 && st.online() && System.nanoTime() < deadline) {
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
            st = bus.spoolStatus();
        }
        return st;
    }

    /**
     * Whether Redis answers. A bus queueing behind events already spooled does not try Redis,
     * so "online" there only means "not known to be down": ask, to say which case this is.
     */
    private static boolean reachable(EventBus bus) {
        try {
            bus.types();
            return true;
        } catch (UnavailableException e) {
            return false;
        }
    }

    /** The one line that says the event is spooled, where, and who forwards it. */
    static String spooledNotice(String server, Path dir, boolean daemonsSpool, boolean owner, boolean redisUp) {
        String who = owner
                ? (daemonsSpool
                        ? "the daemon (or the next events publish) forwards it"
                        : "the next events publish forwards it")
                : (daemonsSpool ? "the daemon forwards it" : "the process holding that spool forwards it");
        if (!redisUp) {
            return "statestore: events publish: Redis at " + RedisEndpoint.redacted(server)
                    + " is unavailable; the event is spooled in " + dir + " and " + who + " when Redis is back";
        }
        return "statestore: events publish: earlier events are still waiting in the spool " + dir
                + "; the event is spooled behind them and " + who + " in order";
    }

    @Override
    public String subject() {
        return type;
    }
}
