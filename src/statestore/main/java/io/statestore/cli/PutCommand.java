package io.statestore.cli;

import com.fasterxml.jackson.databind.JsonNode;
import io.statestore.client.StateStore;
import io.statestore.client.WriteOptions;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

@Command(
        name = "put",
        mixinStandardHelpOptions = true,
        description = {
            "Write a whole document from FILE, or from stdin when FILE is - or absent. " + "Prints the new revision.",
            "@FILE is the same as FILE (./@name for a file whose name starts with @)."
        })
final class PutCommand extends StoreCommand implements RecordsWriter {
    @Parameters(index = "0", paramLabel = "KEY", description = "The document key.")
    String key;

    @Parameters(
            index = "1",
            paramLabel = "FILE",
            arity = "0..1",
            description = "A JSON file (or @FILE), or - or @- for stdin (default).")
    String file;

    @Mixin
    WriteArgs write;

    @Override
    public Integer call() {
        WriteOptions options = write.toOptions();
        JsonNode value = JsonInput.fileOrStdin(this, file);
        try (StateStore store = openStore()) {
            out().println(store.put(key, value, options).revision());
        }
        return 0;
    }

    @Override
    public String subject() {
        return key;
    }
}
