package io.statestore.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code statestore task ...}: task output streams. */
@Command(
        name = "task",
        mixinStandardHelpOptions = true,
        description = "Follow the output of long tasks.",
        subcommands = {TaskTailCommand.class})
final class TaskCommand implements Runnable {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "a task subcommand is required");
    }
}
