package io.statestore.cli;

import io.statestore.client.Role;
import io.statestore.client.StateStore;
import io.statestore.client.events.DeadLetter;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(
        name = "dlq",
        mixinStandardHelpOptions = true,
        description =
                "Print the dead letters of TYPE (all types when absent) as JSON lines, oldest first, with error and deliveries.")
final class EventsDlqCommand extends StoreCommand {
    @Parameters(index = "0", arity = "0..1", paramLabel = "TYPE", description = "The event type.")
    String type;

    @Option(
            names = "--limit",
            paramLabel = "N",
            defaultValue = "100",
            description = "At most N per type (default: ${DEFAULT-VALUE}).")
    int limit;

    @Override
    public Integer call() {
        try (StateStore store = openStore()) {
            for (DeadLetter d : store.events().deadLetters(type == null ? "" : type, limit)) {
                out().println(EventLines.line(d));
            }
        }
        return 0;
    }

    @Override
    public String subject() {
        return type;
    }

    @Override
    protected Role role() {
        return Role.READER;
    }
}
