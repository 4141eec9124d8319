package io.statestore.cli;

import io.statestore.client.StateStore;
import io.statestore.client.events.PendingEntry;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "pending", mixinStandardHelpOptions = true,
        description = "The delivered, unacknowledged events of GROUP: STREAM ENTRY CONSUMER IDLE_MS DELIVERIES per line.")
final class EventsPendingCommand extends StoreCommand {
    @Parameters(index = "0", paramLabel = "GROUP", description = "The consumer group.")
    String group;

    @Option(names = "--limit", paramLabel = "N", defaultValue = "100", description = "At most N per stream (default: ${DEFAULT-VALUE}).")
    int limit;

    @Override
    public Integer call() {
        try (StateStore store = openStore()) {
            for (PendingEntry p : store.events().pending(group, limit)) {
                out().printf("%s %s %s %d %d%n", p.stream(), p.entryId(), p.consumer(), p.idle().toMillis(), p.deliveries());
            }
        }
        return 0;
    }

    @Override
    public String subject() {
        return group;
    }
}
