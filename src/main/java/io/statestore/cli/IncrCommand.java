package io.statestore.cli;

import com.fasterxml.jackson.databind.JsonNode;
import io.statestore.client.InvalidInputException;
import io.statestore.client.JsonPath;
import io.statestore.client.StateStore;
import io.statestore.client.StrictJson;
import io.statestore.client.WriteOptions;
import io.statestore.client.WriteResult;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

@Command(name = "incr", mixinStandardHelpOptions = true,
        description = "Add N to the number at PATH (which must exist). Prints the new number.")
final class IncrCommand extends StoreCommand {
    @Parameters(index = "0", paramLabel = "KEY", description = "The document key.")
    String key;

    @Parameters(index = "1", paramLabel = "PATH", description = "Where the number is, e.g. $.count.")
    String path;

    @Parameters(index = "2", paramLabel = "N", description = "A JSON number (integer or decimal, may be negative).")
    String delta;

    @Mixin
    WriteArgs write;

    @Override
    public Integer call() {
        WriteOptions options = write.toOptions();
        JsonPath.parse(path);
        JsonNode n = StrictJson.parse(delta, "N argument");
        if (!n.isNumber()) {
            throw new InvalidInputException("N must be a number, got " + delta);
        }
        WriteResult r;
        try (StateStore store = openStore()) {
            r = store.increment(key, path, n.numberValue(), options);
        }
        out().println(r.value().map(StrictJson::write).orElseThrow(
                () -> new IllegalStateException("the store returned no number for the increment")));
        return 0;
    }

    @Override
    public String subject() {
        return key;
    }
}
