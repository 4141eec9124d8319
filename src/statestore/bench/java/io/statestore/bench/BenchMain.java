package io.statestore.bench;

import java.io.PrintWriter;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * The one entry point of the benchmarks: each benchmark is a subcommand, run by its
 * {@code scripts/bench*} script. Exit status: 0 done, 1 failed (or some calls failed), 2 usage error.
 */
@Command(
        name = "bench",
        description = "statestore's benchmarks (docs/benchmarks*.md); each scripts/bench* runs one.",
        subcommands = {
            Benchmark.class,
            WatchBenchmark.class,
            EventBenchmark.class,
            SecurityBenchmark.class,
            PeersBenchmark.class,
            SeriesBenchmark.class,
            DashboardBenchmark.class,
            ClusterBenchmark.class,
            ClusterWatchBenchmark.class
        })
public final class BenchMain implements Runnable {
    @Mixin
    private HelpOption help;

    @Spec
    private CommandSpec spec;

    private BenchMain() {}

    public static void main(String[] argv) {
        // Before the first logger exists: the test classpath this runs from also holds logback-test.xml.
        if (System.getProperty("logback.configurationFile") == null) {
            System.setProperty("logback.configurationFile", "io/statestore/bench/logback-bench.xml");
        }
        System.exit(commandLine().execute(argv));
    }

    /** Without a subcommand there is nothing to measure: a usage error, exit 2. */
    @Override
    public void run() {
        throw new ParameterException(
                spec.commandLine(),
                "name a benchmark: " + String.join(", ", spec.subcommands().keySet()));
    }

    static CommandLine commandLine() {
        CommandLine cl = new CommandLine(new BenchMain());
        // A failed run is one line on stderr, as before picocli; its stack trace helps nobody reading figures.
        cl.setExecutionExceptionHandler((e, line, parsed) -> {
            PrintWriter err = line.getErr();
            err.println(line.getCommandName() + ": " + e);
            err.flush();
            return 1;
        });
        return cl;
    }
}
