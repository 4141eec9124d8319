package io.statestore.cli;

import io.statestore.client.StateStore;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

@Command(
        name = "revert",
        mixinStandardHelpOptions = true,
        description =
                "Write the content a document had at revision REV (from its history) as a new revision. Prints the new revision.")
final class RevertCommand extends StoreCommand implements RecordsWriter {
    @Parameters(index = "0", paramLabel = "KEY", description = "The document key.")
    String key;

    @Parameters(index = "1", paramLabel = "REV", description = "The revision whose content to restore.")
    long revision;

    @Override
    public Integer call() {
        try (StateStore store = openStore()) {
            out().println(store.history().revert(key, revision).revision());
        }
        return 0;
    }

    @Override
    public String subject() {
        return key;
    }
}
