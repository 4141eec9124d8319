package io.statestore.cli;

import io.statestore.client.Durations;
import io.statestore.client.InvalidInputException;
import io.statestore.client.PermissionDeniedException;
import io.statestore.client.Role;
import io.statestore.daemon.config.DaemonConfig;
import io.statestore.daemon.redis.RedisAdmin;
import io.statestore.daemon.series.SeriesDefinitions;
import io.statestore.daemon.series.SeriesKeys;
import java.time.Duration;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import redis.clients.jedis.exceptions.JedisAccessControlException;

/** Stored in Redis: the daemon's sampling job reads the definitions on every run, so no restart is needed. */
@Command(
        name = "add",
        mixinStandardHelpOptions = true,
        description =
                "Sample a numeric field of a document from now on (stored in Redis; the daemon picks it up without"
                        + " a restart). Needs the admin role.")
final class TsAddCommand extends TsBase {
    @Parameters(index = "0", paramLabel = "KEY", description = "The document.")
    String key;

    @Parameters(index = "1", paramLabel = "PATH", description = "A JSONPath to one number in it, e.g. $.queue_depth.")
    String path;

    @Option(names = "--every", required = true, description = "How often, at least 1s, e.g. 10s.")
    String every;

    @Option(names = "--name", description = "The series name (default: KEY followed by PATH).")
    String seriesName;

    @Override
    public Integer call() {
        Duration interval;
        try {
            interval = Durations.parse(every, "--every");
        } catch (InvalidInputException e) {
            throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage());
        }
        DaemonConfig.Sampled added;
        try (RedisAdmin admin = openAdmin()) {
            added = new SeriesDefinitions(admin, new SeriesKeys(options().keyPrefix()))
                    .add(key, path, interval, seriesName);
        } catch (JedisAccessControlException e) {
            throw new PermissionDeniedException(
                    "adding a sampled series changes the daemon's configuration: it needs the" + " admin role ("
                            + options().user().orElse("default") + " may only read series)");
        }
        out().println("series " + added.name() + ": " + key + " " + path + " every " + Durations.format(interval)
                + " (sampled from the daemon's next run)");
        return 0;
    }

    @Override
    public String subject() {
        return key;
    }

    @Override
    protected Role role() {
        return Role.ADMIN;
    }
}
