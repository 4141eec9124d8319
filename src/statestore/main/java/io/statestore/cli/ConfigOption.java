package io.statestore.cli;

import io.statestore.daemon.config.ConfigLoader;
import io.statestore.daemon.config.DaemonConfig;
import java.nio.file.Path;
import java.util.Map;
import picocli.CommandLine.Option;

/** The {@code --config FILE} option shared by the daemon commands (default: $STATESTORE_CONFIG). */
public final class ConfigOption {
    @Option(
            names = {"-c", "--config"},
            paramLabel = "FILE",
            description = "The daemon config file (YAML; default: $STATESTORE_CONFIG, else built-in defaults).")
    Path file;

    /** Whether a config file was named, by --config or $STATESTORE_CONFIG. */
    boolean given(Map<String, String> env) {
        return file != null
                || (env.get("STATESTORE_CONFIG") != null
                        && !env.get("STATESTORE_CONFIG").isBlank());
    }

    DaemonConfig load(Map<String, String> env) {
        Path f = file;
        if (f == null && env.get("STATESTORE_CONFIG") != null) {
            f = Path.of(env.get("STATESTORE_CONFIG"));
        }
        return new ConfigLoader().load(f, env);
    }
}
