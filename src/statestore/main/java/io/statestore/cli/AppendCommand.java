package io.statestore.cli;

import com.fasterxml.jackson.databind.JsonNode;
import io.statestore.client.JsonPath;
import io.statestore.client.StateStore;
import io.statestore.client.WriteOptions;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(
        name = "append",
        mixinStandardHelpOptions = true,
        description = "Append VALUE to the array at PATH (which must exist). Prints the new revision.")
final class AppendCommand extends StoreCommand implements RecordsWriter {
    @Parameters(index = "0", paramLabel = "KEY", description = "The document key.")
    String key;

    @Parameters(index = "1", paramLabel = "PATH", description = "Where the array is, e.g. $.events.")
    String path;

    @Parameters(
            index = "2",
            paramLabel = "VALUE",
            description = "JSON text, or @FILE: the JSON in FILE (@- for stdin).")
    String value;

    @Option(
            names = "--max",
            paramLabel = "N",
            defaultValue = "0",
            description = "Keep at most N elements, dropping the oldest (0: no limit).")
    int max;

    @Mixin
    WriteArgs write;

    @Override
    public Integer call() {
        WriteOptions options = write.toOptions();
        JsonPath.parse(path);
        JsonNode v = JsonInput.textOrFile(this, value, "VALUE argument");
        try (StateStore store = openStore()) {
            out().println(store.append(key, path, v, max, options).revision());
        }
        return 0;
    }

    @Override
    public String subject() {
        return key;
    }
}
