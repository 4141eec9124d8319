package io.statestore.cli;

import io.statestore.client.Role;
import io.statestore.client.StateStore;
import io.statestore.client.StateStoreException;
import io.statestore.client.StateStoreOptions;
import io.statestore.migrate.Exporter;
import io.statestore.migrate.Mapping;
import io.statestore.migrate.MappingException;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** {@code statestore export}: writes documents back to files in the legacy layout. */
@Command(
        name = "export",
        mixinStandardHelpOptions = true,
        description = "Write documents back to JSON files in the legacy layout (the mapping reversed), atomically.",
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {"0:every mapped document was written", "1:a file could not be written", "2:usage error"})
public final class ExportCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--to", required = true, paramLabel = "DIR", description = "Folder to write the legacy tree into.")
    Path to;

    @Option(
            names = "--mapping",
            paramLabel = "FILE",
            description = "Mapping rules (YAML); default: the built-in legacy layout.")
    Path mapping;

    @Option(names = "--prefix", paramLabel = "P", description = "Only documents whose key starts with P.")
    String prefix;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        Mapping rules;
        StateStoreOptions options;
        try {
            rules = mapping == null ? Mapping.defaults() : Mapping.load(mapping);
            options = ((Main) spec.root().userObject()).storeOptions(null, Role.READER);
        } catch (MappingException | StateStoreException e) {
            throw new ParameterException(spec.commandLine(), e.getMessage());
        }
        try (StateStore store = StateStore.connect(options)) {
            Exporter.Result r = Exporter.export(store, rules, to, prefix);
            out.println("exported " + r.written() + " document(s) to " + to);
            for (String k : r.unmapped()) {
                out.println("  not exported (no rule maps the key back): " + k);
            }
            for (String p : r.problems()) {
                err.println("  failed: " + p);
            }
            out.flush();
            err.flush();
            return r.exitCode();
        } catch (StateStoreException | IOException e) {
            err.println(ErrorHandler.oneLine("statestore: export failed: " + e.getMessage()));
            err.flush();
            return ErrorHandler.exitCode(e);
        }
    }
}
