package io.statestore.cli;

import com.fasterxml.jackson.databind.JsonNode;
import io.statestore.client.JsonPath;
import io.statestore.client.StateStore;
import io.statestore.client.WriteOptions;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

@Command(
        name = "set",
        mixinStandardHelpOptions = true,
        description = "Set the value at PATH (its parent must exist; PATH $ replaces or creates the document). "
                + "Prints the new revision.")
final class SetCommand extends StoreCommand implements RecordsWriter {
    @Parameters(index = "0", paramLabel = "KEY", description = "The document key.")
    String key;

    @Parameters(
            index = "1",
            paramLabel = "PATH",
            description = "Where, e.g. $.status.phase or $.items[0] or $[\"a b\"].")
    String path;

    @Parameters(
            index = "2",
            paramLabel = "VALUE",
            description = "JSON text (a string needs its quotes: '\"idle\"'), or @FILE: the JSON in FILE "
                    + "(@- for stdin).")
    String value;

    @Mixin
    WriteArgs write;

    @Override
    public Integer call() {
        WriteOptions options = write.toOptions();
        JsonPath.parse(path);
        JsonNode v = JsonInput.textOrFile(this, value, "VALUE argument");
        try (StateStore store = openStore()) {
            out().println(store.set(key, path, v, options).revision());
        }
        return 0;
    }

    @Override
    public String subject() {
        return key;
    }
}
