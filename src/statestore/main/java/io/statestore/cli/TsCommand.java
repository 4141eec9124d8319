package io.statestore.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code statestore ts ...}: the time series the daemon samples (docs/series.md). */
@Command(
        name = "ts",
        mixinStandardHelpOptions = true,
        description = "List and read the time series the daemon samples; add a sampled document field.",
        subcommands = {
            TsLsCommand.class,
            TsRangeCommand.class,
            TsAddCommand.class,
        })
final class TsCommand implements Runnable {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "a ts subcommand is required (ls, range, add)");
    }
}
