package io.statestore.cli;

import io.statestore.client.StateStore;
import io.statestore.client.WriteOptions;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(
        name = "del",
        mixinStandardHelpOptions = true,
        description = "Delete a document (exit 3 when it does not exist). Prints the revision of the deletion.")
final class DelCommand extends StoreCommand implements RecordsWriter {
    @Parameters(index = "0", paramLabel = "KEY", description = "The document key.")
    String key;

    @Option(names = "--if-revision", paramLabel = "N", description = "Delete only if the document is at revision N.")
    Long ifRevision;

    @Override
    public Integer call() {
        WriteOptions options = ifRevision == null ? WriteOptions.DEFAULT : WriteOptions.ifRevision(ifRevision);
        try (StateStore store = openStore()) {
            out().println(store.delete(key, options).revision());
        }
        return 0;
    }

    @Override
    public String subject() {
        return key;
    }
}
