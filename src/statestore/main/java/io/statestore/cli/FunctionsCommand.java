package io.statestore.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code statestore functions ...}: the server-side function libraries (docs/functions.md). */
@Command(
        name = "functions",
        mixinStandardHelpOptions = true,
        description = "Print, install or check the Redis function libraries statestore runs on.",
        subcommands = {
            FunctionsPrintCommand.class,
            FunctionsInstallCommand.class,
            FunctionsStatusCommand.class,
        })
final class FunctionsCommand implements Runnable {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "a functions subcommand is required");
    }
}
