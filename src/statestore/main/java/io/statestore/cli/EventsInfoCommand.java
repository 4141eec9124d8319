package io.statestore.cli;

import io.statestore.client.Role;
import io.statestore.client.StateStore;
import io.statestore.client.StrictJson;
import io.statestore.client.events.GroupStats;
import io.statestore.client.events.StreamStats;
import java.io.PrintWriter;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(
        name = "info",
        mixinStandardHelpOptions = true,
        description =
                "Per stream: length, first and last ID; per consumer group: consumers, pending, lag, oldest pending age.")
final class EventsInfoCommand extends StoreCommand {
    @Option(names = "--json", description = "Print the figures as one JSON array.")
    boolean json;

    @Override
    public Integer call() {
        try (StateStore store = openStore()) {
            List<StreamStats> streams = store.events().info();
            PrintWriter out = out();
            if (json) {
                out.println(StrictJson.write(streams));
                return 0;
            }
            out.printf("%-5s %-32s %10s %-20s %-20s%n", "KIND", "TYPE", "LENGTH", "FIRST", "LAST");
            for (StreamStats s : streams) {
                out.printf(
                        "%-5s %-32s %10d %-20s %-20s%n",
                        s.kind(), s.type().isEmpty() ? "*" : s.type(), s.length(), dash(s.firstId()), dash(s.lastId()));
                for (GroupStats g : s.groups()) {
                    out.printf(
                            "      group %s: consumers %d, pending %d, lag %s, last delivered %s, oldest pending %s%n",
                            g.name(),
                            g.consumers(),
                            g.pending(),
                            g.lag() < 0 ? "?" : Long.toString(g.lag()),
                            g.lastDeliveredId(),
                            g.pending() == 0 ? "-" : g.oldestPendingAge().toMillis() + "ms");
                }
            }
        }
        return 0;
    }

    private static String dash(String s) {
        return s.isEmpty() ? "-" : s;
    }

    @Override
    protected Role role() {
        return Role.READER;
    }
}
