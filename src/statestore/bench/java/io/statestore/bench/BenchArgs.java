package io.statestore.bench;

import java.nio.file.Path;
import java.util.List;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** Options of the store benchmark ({@code scripts/bench}); {@link #validate} refuses what picocli's types cannot. */
final class BenchArgs {
    @Spec(Spec.Target.MIXEE)
    private CommandSpec spec;

    @Option(
            names = "--redis",
            paramLabel = "URL",
            description = "Use this server instead of starting one; it must be empty,"
                    + " because every cell runs FLUSHALL (or pass --allow-flushall).")
    private String redisUrl;

    @Option(
            names = "--server",
            paramLabel = "BINARY",
            defaultValue = "redis-server",
            description = "redis-server to start (default: ${DEFAULT-VALUE} from PATH).")
    private String server;

    @Option(
            names = "--module",
            paramLabel = "SO",
            description = "Load this JSON module into the started server (module mode).")
    private String module;

    @Option(names = "--allow-flushall", description = "Let the benchmark FLUSHALL a non-empty --redis server.")
    private boolean allowFlushAll;

    @Option(names = "--portable", description = "Force portable mode even when the server has a JSON module.")
    private boolean forcePortable;

    @Option(names = "--group-commit", description = "statestore with StateStoreOptions.groupCommit(true).")
    private boolean groupCommit;

    @Option(
            names = "--no-combining",
            description = "statestore with StateStoreOptions.combineWrites(false): "
                    + "threads take turns per document, one call each (docs/combining.md).")
    private boolean noCombining;

    @Option(
            names = "--no-multiplex",
            description = "statestore with StateStoreOptions.multiplexCalls(false): "
                    + "each call on a pooled connection of its own (docs/multiplexing.md).")
    private boolean noMultiplex;

    @Option(
            names = "--floor",
            description =
                    "Also run \"floor\": one function call per update doing only the writes the"
                            + " contract needs (document, feed, notification, metadata), nothing read or checked; printed as its own table.")
    private boolean floor;

    @Option(
            names = "--seconds",
            paramLabel = "N",
            defaultValue = "3",
            description = "Measured seconds per cell (default ${DEFAULT-VALUE}).")
    private double seconds;

    @Option(
            names = "--warmup",
            paramLabel = "N",
            defaultValue = "1",
            description =
                    "Warm-up seconds per cell, not recorded"
                            + " (default ${DEFAULT-VALUE}); before the first cell every contender also runs 2N s unrecorded, for the JIT.")
    private double warmup;

    @Option(
            names = "--max-ops",
            paramLabel = "N",
            defaultValue = "2000000",
            description = "At most N measured calls per cell (default ${DEFAULT-VALUE}).")
    private long maxOps;

    @Option(
            names = "--ops",
            paramLabel = "LIST",
            split = ",",
            defaultValue = "put,merge,increment",
            converter = OperationConverter.class,
            description = "Operations (default ${DEFAULT-VALUE}).")
    private List<Workload.Operation> ops;

    @Option(
            names = "--sizes",
            paramLabel = "LIST",
            split = ",",
            defaultValue = "1,10,100",
            description = "Document sizes in KB (default ${DEFAULT-VALUE}).")
    private List<Integer> sizesKb;

    @Option(
            names = "--clients",
            paramLabel = "LIST",
            split = ",",
            defaultValue = "1,16",
            description = "Concurrent clients (default ${DEFAULT-VALUE}).")
    private List<Integer> clients;

    @Option(names = "--no-hot", description = "Skip the hot-document row (16 clients merging into one document).")
    private boolean noHot;

    @Option(
            names = "--feed-max",
            paramLabel = "N",
            defaultValue = "10000",
            description = "The store's feed length setting (default ${DEFAULT-VALUE}).")
    private long feedMaxLength;

    /** Spelled as on the command line, so that picocli's own enum check is the error message. */
    enum Switch {
        on,
        off
    }

    @Option(
            names = "--json-check",
            paramLabel = "on|off",
            defaultValue = "on",
            description = "The store's JSON check setting (default on; off: \"trusted writers\").")
    private Switch jsonCheck;

    @Option(
            names = "--legacy-dir",
            paramLabel = "DIR",
            defaultValue = "${sys:java.io.tmpdir}",
            description = "Where the legacy files go (default: the system temp directory).")
    private Path legacyDir;

    @Option(names = "--json", description = "Print the results as JSON on stdout (progress stays on stderr).")
    private boolean json;

    /** Throws picocli's usage error (exit 2) for values the option types accept but the benchmark cannot run. */
    void validate() {
        if (redisUrl != null && module != null) {
            throw usage("--module only applies to a server the benchmark starts; not with --redis");
        }
        if (!(seconds > 0)) {
            throw usage("--seconds must be positive, got " + seconds);
        }
        if (!(warmup >= 0)) {
            throw usage("--warmup must not be negative, got " + warmup);
        }
        if (maxOps < 1) {
            throw usage("--max-ops must be positive, got " + maxOps);
        }
        if (feedMaxLength < 0) {
            throw usage("--feed-max must not be negative, got " + feedMaxLength);
        }
        positive(sizesKb, "--sizes");
        positive(clients, "--clients");
    }

    private void positive(List<Integer> list, String name) {
        if (list.stream().anyMatch(n -> n < 1)) {
            throw usage(name + " must be a comma-separated list of positive integers, got " + list);
        }
    }

    private ParameterException usage(String message) {
        return new ParameterException(spec.commandLine(), message);
    }

    String redisUrl() {
        return redisUrl;
    }

    String server() {
        return server;
    }

    String module() {
        return module;
    }

    boolean allowFlushAll() {
        return allowFlushAll;
    }

    boolean forcePortable() {
        return forcePortable;
    }

    boolean groupCommit() {
        return groupCommit;
    }

    boolean multiplexCalls() {
        return !noMultiplex;
    }

    boolean combineWrites() {
        return !noCombining;
    }

    boolean floor() {
        return floor;
    }

    double seconds() {
        return seconds;
    }

    double warmup() {
        return warmup;
    }

    long maxOps() {
        return maxOps;
    }

    List<Workload.Operation> ops() {
        return ops;
    }

    List<Integer> sizesKb() {
        return sizesKb;
    }

    List<Integer> clients() {
        return clients;
    }

    boolean hotRow() {
        return !noHot;
    }

    long feedMaxLength() {
        return feedMaxLength;
    }

    boolean jsonCheck() {
        return jsonCheck == Switch.on;
    }

    Path legacyDir() {
        return legacyDir;
    }

    boolean json() {
        return json;
    }
}
