package io.statestore.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code statestore events ...}: the event bus (docs/events.md). */
@Command(
        name = "events",
        mixinStandardHelpOptions = true,
        description = "Publish, follow and inspect events; dead letters and redrive.",
        subcommands = {
            EventsPublishCommand.class,
            EventsTailCommand.class,
            EventsInfoCommand.class,
            EventsPendingCommand.class,
            EventsDlqCommand.class,
            EventsRedriveCommand.class,
        })
final class EventsCommand implements Runnable {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "an events subcommand is required");
    }
}
