package io.statestore.cli;

import io.statestore.client.InvalidInputException;
import io.statestore.client.Role;
import io.statestore.client.spi.FunctionLibrary;
import io.statestore.client.spi.LibraryInstaller;
import io.statestore.client.spi.LibraryStatus;
import io.statestore.client.spi.RedisGateway;
import java.io.PrintWriter;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code statestore functions install [--force]}: puts both libraries on the server by the rules
 * every client follows when it connects; {@code --force} also replaces a library the clients
 * would refuse, or a newer one.
 */
@Command(
        name = "install",
        mixinStandardHelpOptions = true,
        description = {
            "Install both function libraries on the server, as needed.",
            "A library is loaded where absent or older; an identical one, or a newer one with every function"
                    + " this client calls, is kept; anything else is refused.",
            "Prints one line per library; exit 1 when one was refused."
        })
final class FunctionsInstallCommand extends StoreCommand {
    @Option(
            names = "--force",
            description = "Replace the server's library even when it is the same or a newer version with other code.")
    boolean force;

    @Override
    public Integer call() {
        boolean refused = false;
        PrintWriter out = out();
        // Not openStore(): connecting installs the libraries, and fails on the very library this
        // command is meant to replace.
        try (RedisGateway redis = new RedisGateway(root().storeOptions(null, role()))) {
            for (FunctionLibrary lib : FunctionLibrary.all()) {
                try {
                    out.println(describe(lib.install(redis, force)));
                } catch (InvalidInputException e) {
                    refused = true;
                    PrintWriter err = spec.commandLine().getErr();
                    err.println(ErrorHandler.oneLine("statestore: functions install: " + e.getMessage()));
                    err.flush();
                }
            }
        }
        return refused ? ErrorHandler.FAILURE : 0;
    }

    private static String describe(LibraryInstaller.Outcome o) {
        LibraryStatus s = o.before();
        FunctionLibrary ours = s.ours();
        String name = ours.name() + ": ";
        return switch (o.action()) {
            case LOADED -> name + "loaded v" + ours.version() + " (the server had none)";
            case UPGRADED -> name + "upgraded v" + s.serverVersion() + " to v" + ours.version();
            case REPLACED ->
                name + "replaced v" + s.serverVersion() + " (sha256 "
                        + s.server().orElseThrow().digest() + ") with v" + ours.version() + " (forced)";
            case UNCHANGED -> name + "v" + ours.version() + " already installed, identical";
            case KEPT_NEWER ->
                name + "kept the server's v" + s.serverVersion() + ", newer than v" + ours.version()
                        + " and with every function this client calls (--force replaces it)";
        };
    }

    @Override
    protected Role role() {
        return Role.ADMIN;
    }
}
