package io.statestore.cli;

import io.statestore.client.NotFoundException;
import io.statestore.client.StateStore;
import io.statestore.client.events.PendingEntry;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(
        name = "pending",
        mixinStandardHelpOptions = true,
        description =
                "The delivered, unacknowledged events of GROUP: STREAM ENTRY CONSUMER IDLE_MS DELIVERIES per line.",
        footer =
                "A GROUP that exists on no stream is an error (exit non-zero); a group with nothing pending prints nothing.")
final class EventsPendingCommand extends StoreCommand {
    @Parameters(index = "0", paramLabel = "GROUP", description = "The consumer group.")
    String group;

    @Option(
            names = "--limit",
            paramLabel = "N",
            defaultValue = "100",
            description = "At most N per stream (default: ${DEFAULT-VALUE}).")
    int limit;

    @Override
    public Integer call() {
        try (StateStore store = openStore()) {
            boolean exists = store.events().info().stream()
                    .anyMatch(st -> st.groups().stream().anyMatch(g -> g.name().equals(group)));
            if (!exists) {
                throw new NotFoundException(
                        group,
                        "no consumer group \"" + group + "\" on any event stream"
                                + " (statestore events info lists the groups)");
            }
            for (PendingEntry p : store.events().pending(group, limit)) {
                out().printf(
                                "%s %s %s %d %d%n",
                                p.stream(), p.entryId(), p.consumer(), p.idle().toMillis(), p.deliveries());
            }
        }
        return 0;
    }

    @Override
    public String subject() {
        return group;
    }
}
