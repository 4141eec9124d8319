package io.statestore.cli;

import io.statestore.client.Role;
import io.statestore.client.StateStore;
import io.statestore.client.StateStoreOptions;
import io.statestore.client.TlsOptions;
import io.statestore.client.spi.CredentialSources;
import java.io.OutputStreamWriter;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ScopeType;

/**
 * The {@code statestore} command. Global options live here; each subcommand is one class.
 * To add a command, write a class (extend {@link StoreCommand} if it talks to Redis) and add
 * it to {@link Subcommands#ALL}.
 *
 * <p>Exit codes: 0 success, 1 failure (one line on stderr), 2 usage error. stdout carries only data.
 */
@Command(
        name = "statestore",
        mixinStandardHelpOptions = true,
        versionProvider = VersionProvider.class,
        description = "Shared JSON state in Redis: documents with revisions and a change feed.",
        optionListHeading = "Global options (before or after the command):%n",
        footer = {
            "",
            "Exit codes (the message is on stderr): 0 success, 1 failure, 2 usage error, 3 not found, 4 conflict,",
            "5 Redis unavailable (down, unreachable, timing out), 6 permission denied.",
            "Environment: STATESTORE_REDIS_URL, STATESTORE_USER, STATESTORE_PASSWORD_FILE, STATESTORE_WRITER,",
            "STATESTORE_SENTINEL_PASSWORD_FILE, STATESTORE_CONNECTION_FILE, STATESTORE_TLS_CA,",
            "STATESTORE_TLS_CERT, STATESTORE_TLS_KEY.",
            "Credentials, first found: --user/--password-file, STATESTORE_PASSWORD_FILE,",
            "$CREDENTIALS_DIRECTORY/statestore-ROLE, the daemon's connection file (docs/security.md).",
            "Each command's own options: statestore COMMAND --help."
        })
public final class Main implements Runnable {
    @Option(
            names = "--redis",
            paramLabel = "URL",
            scope = ScopeType.INHERIT,
            defaultValue = "${env:STATESTORE_REDIS_URL}",
            // URLs start description lines: picocli may break a line inside a URL, after ',' or ':'
            description = {
                "Redis URL: redis://HOST:PORT, rediss://HOST:PORT (TLS), or for Sentinels"
                        + " redis-sentinel://HOST:PORT,HOST:PORT?master=NAME (rediss-sentinel:// with TLS),",
                "or redis-cluster://HOST:PORT,HOST:PORT for a Redis Cluster (rediss-cluster:// with TLS).",
                "Env STATESTORE_REDIS_URL; without either, the URL in the local daemon's connection file,",
                "else " + StateStoreOptions.DEFAULT_URI + ", the embedded server's."
            })
    String redisUrl;

    @Option(
            names = "--user",
            paramLabel = "USER",
            scope = ScopeType.INHERIT,
            defaultValue = "${env:STATESTORE_USER}",
            description = "Redis ACL user: a role (admin, writer, reader) or another user (env STATESTORE_USER;"
                    + " default: the role the command needs, from the daemon's connection file; docs/security.md).")
    String user;

    @Option(
            names = "--password-file",
            paramLabel = "FILE",
            scope = ScopeType.INHERIT,
            defaultValue = "${env:STATESTORE_PASSWORD_FILE}",
            description = "File holding the Redis password (env STATESTORE_PASSWORD_FILE); overrides one in the URL.")
    Path passwordFile;

    @Option(
            names = "--sentinel-password-file",
            paramLabel = "FILE",
            scope = ScopeType.INHERIT,
            defaultValue = "${env:STATESTORE_SENTINEL_PASSWORD_FILE}",
            description =
                    "With a redis-sentinel:// URL: file holding the Sentinels' own password (env STATESTORE_SENTINEL_PASSWORD_FILE).")
    Path sentinelPasswordFile;

    @Option(
            names = "--writer",
            paramLabel = "NAME",
            scope = ScopeType.INHERIT,
            defaultValue = "${env:STATESTORE_WRITER}",
            description = "Writer name recorded with every change (env STATESTORE_WRITER; default: host:pid).")
    String writer;

    @CommandLine.Mixin
    TlsArgs tls;

    @Option(names = "--debug", scope = ScopeType.INHERIT, description = "Print stack traces of failures.")
    boolean debug;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    private final CliIo io;

    /** Set on the Main that runs a batch's lines: their commands reuse the batch's connections. */
    private SharedStores shared;

    Main(CliIo io) {
        this.io = io;
    }

    public static void main(String... args) {
        CliLogging.install();
        System.exit(run(System.out, System.err, args));
    }

    /** Runs the CLI in this process with stdin and the current directory; returns the exit code. */
    public static int run(PrintStream out, PrintStream err, String... args) {
        return run(new CliIo(System.in, out, err, Path.of("")), args);
    }

    /** Runs the CLI in this process with the given streams and working directory; returns the exit code. */
    public static int run(CliIo io, String... args) {
        Main main = new Main(io);
        PrintWriter out = new PrintWriter(new OutputStreamWriter(io.out(), StandardCharsets.UTF_8), true);
        PrintWriter err = new PrintWriter(new OutputStreamWriter(io.err(), StandardCharsets.UTF_8), true);
        CommandLine cli = commandLine(main, out, err, args);
        try {
            return cli.execute(args);
        } finally {
            out.flush();
            err.flush();
        }
    }

    /**
     * The command tree as the CLI runs it, with the subcommand {@code args} name (all of them when
     * they name none: batch mode runs its lines through such a tree).
     */
    static CommandLine commandLine(Main main, PrintWriter out, PrintWriter err, String... args) {
        ErrorHandler handler = new ErrorHandler(main);
        CommandLine cli = new CommandLine(main);
        Subcommands.addTo(cli, args);
        cli.setOut(out)
                .setErr(err)
                .setExecutionExceptionHandler(handler)
                .setParameterExceptionHandler(handler)
                // picocli would replace an argument @FILE by the words in FILE, before any command
                // sees it: a value's quotes vanished and keys starting with @ were rewritten
                // (issue 14). @FILE means "the JSON in FILE" for JSON values only (JsonInput).
                // Set after the subcommands are added, so they all inherit it.
                .setExpandAtFiles(false);
        versionEverywhere(cli);
        CliHelp.install(cli);
        return cli;
    }

    /** {@code statestore get --version} printed nothing: every command answers with the one version. */
    private static void versionEverywhere(CommandLine cli) {
        for (CommandLine sub : cli.getSubcommands().values()) {
            sub.getCommandSpec().versionProvider(new VersionProvider());
            versionEverywhere(sub);
        }
    }

    /** Without a subcommand: show the usage and fail as a usage error. */
    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "a command is required");
    }

    CliIo io() {
        return io;
    }

    boolean debug() {
        return debug;
    }

    /** The store options the global options describe, with the writer role's credential unless they name one. */
    public StateStoreOptions storeOptions() {
        return storeOptions(null, Role.WRITER);
    }

    /**
     * The same, with a writer name to use when --writer is not given (null: host:pid) and the
     * role whose credential to find when the options name none (the least the command needs).
     */
    public StateStoreOptions storeOptions(String defaultWriter, Role role) {
        StateStoreOptions.Builder b = StateStoreOptions.builder();
        URI explicit = redisUrl == null || redisUrl.isBlank() ? null : URI.create(redisUrl);
        if (passwordFile != null) {
            b.uri(explicit != null ? explicit : URI.create(StateStoreOptions.DEFAULT_URI));
            b.user(user);
            b.passwordFile(io.workDir().resolve(passwordFile));
        } else {
            Role wanted = role;
            if (user != null) {
                wanted = Role.ofUser(user);
                if (wanted == null) {
                    throw new CliException("user \"" + user + "\" needs --password-file (the connection file knows only"
                            + " the roles admin, writer and reader)");
                }
            }
            CredentialSources.find(wanted, System.getenv(), explicit).applyTo(b);
        }
        if (sentinelPasswordFile != null) {
            b.sentinelPasswordFile(io.workDir().resolve(sentinelPasswordFile));
        }
        TlsOptions given = tls.options(io.workDir());
        if (given.configured()) { // else the connection file's CA, if it named one, stays
            b.tls(given);
        }
        String name = writer != null ? writer : defaultWriter;
        if (name != null) {
            b.writer(name);
        }
        return b.build();
    }

    /** Connects to Redis as the global options say, as {@code role} unless they name a user. The caller closes the store. */
    public StateStore openStore(Role role) {
        return shared != null ? shared.get(role) : StateStore.connect(storeOptions(null, role));
    }

    void shareStores(SharedStores stores) {
        this.shared = stores;
    }
}
