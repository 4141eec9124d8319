package io.statestore.cli;

import io.statestore.client.StateStore;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(
        name = "redrive",
        mixinStandardHelpOptions = true,
        description =
                "Move the dead letters of TYPE back to its stream (every group of the type sees them again). Prints how many.")
final class EventsRedriveCommand extends StoreCommand {
    @Parameters(index = "0", paramLabel = "TYPE", description = "The event type.")
    String type;

    @Option(
            names = "--max",
            paramLabel = "N",
            defaultValue = "0",
            description = "Move at most N, oldest first (default: all).")
    long max;

    @Override
    public Integer call() {
        try (StateStore store = openStore()) {
            out().println(store.events().redrive(type, max));
        }
        return 0;
    }

    @Override
    public String subject() {
        return type;
    }
}
