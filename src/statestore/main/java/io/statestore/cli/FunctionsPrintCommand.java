package io.statestore.cli;

import io.statestore.client.spi.FunctionLibrary;
import java.io.PrintWriter;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/**
 * {@code statestore functions print [LIBRARY]}: the library code exactly as the client loads it,
 * so it can be installed without Java ({@code redis-cli -x FUNCTION LOAD REPLACE < lib.lua}).
 */
@Command(
        name = "print",
        mixinStandardHelpOptions = true,
        description = {
            "Print a function library's code (includes expanded), byte for byte as the client loads it.",
            "Install it without Java: statestore functions print > lib.lua; redis-cli -x FUNCTION LOAD REPLACE < lib.lua"
        })
final class FunctionsPrintCommand extends StoreCommand {
    @Parameters(
            index = "0",
            arity = "0..1",
            paramLabel = "LIBRARY",
            defaultValue = "statestore",
            description = "statestore (default) or statestore_events.")
    String library;

    @Override
    public Integer call() {
        FunctionLibrary lib = FunctionLibrary.named(library)
                .orElseThrow(() -> new CommandLine.ParameterException(
                        spec.commandLine(), "unknown library '" + library + "' (statestore or statestore_events)"));
        PrintWriter out = out();
        // print, not println: one more byte would change the digest the clients compare
        out.print(lib.code());
        out.flush();
        return 0;
    }
}
