package io.statestore.cli;

import io.statestore.daemon.config.ConfigException;
import io.statestore.daemon.config.DaemonConfig;
import java.io.PrintStream;
import java.util.Map;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * Base of the commands that read the daemon's configuration ({@code status}, {@code backup}):
 * the {@code --config} option, the environment overrides, and the output streams, which are
 * {@code Main.run}'s when run as a subcommand and the given ones in tests.
 */
abstract class DaemonConfigCommand {
    @Mixin
    ConfigOption config = new ConfigOption();
    @Spec
    CommandSpec spec;

    protected final Map<String, String> env;
    private final boolean streamsFromMain;
    protected PrintStream out;
    protected PrintStream err;

    protected DaemonConfigCommand(Map<String, String> env, PrintStream out, PrintStream err, boolean streamsFromMain) {
        this.env = env;
        this.out = out;
        this.err = err;
        this.streamsFromMain = streamsFromMain;
    }

    /** The configuration, or null after printing why it could not be loaded. */
    protected DaemonConfig loadConfig() {
        if (streamsFromMain && spec != null && spec.root().userObject() instanceof Main main) {
            out = main.io().out();
            err = main.io().err();
        }
        try {
            return config.load(env);
        } catch (ConfigException e) {
            err.println("statestore: " + e.getMessage());
            return null;
        }
    }
}
