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

@Command(
        name = "incr",
        mixinStandardHelpOptions = true,
        description = "Add N to the number at PATH (which must exist). Prints the new number.")
final class IncrCommand extends StoreCommand implements RecordsWriter {
    @Parameters(index = "0", paramLabel = "KEY", description = "The document key.")
    String key;

    @Parameters(index = "1", paramLabel = "PATH", description = "Where the number is, e.g. $.count.")
    String path;

    @Parameters(
            index = "2",
            paramLabel = "N",
            description = "A JSON number (integer or decimal, may be negative), or @FILE: the JSON in FILE.")
    String delta;

    @Mixin
    WriteArgs write;

    @Override
    public Integer call() {
        WriteOptions options = write.toOptions();
        JsonPath.parse(path);
        JsonNode n = JsonInput.textOrFile(this, delta, "N argument");
        if (!n.isNumber()) {
            // Text is echoed as typed; a file may hold a long document, so only its kind is named.
            throw new InvalidInputException(
                    "N must be a number, got " + (delta.startsWith("@") ? kind(n) + " in " + delta : delta));
        }
        WriteResult r;
        try (StateStore store = openStore()) {
            r = store.increment(key, path, n.numberValue(), options);
        }
        out().println(r.value()
                .map(StrictJson::write)
                .orElseThrow(() -> new IllegalStateException("the store returned no number for the increment")));
        return 0;
    }

    private static String kind(JsonNode n) {
        return switch (n.getNodeType()) {
            case STRING -> "a string";
            case OBJECT -> "an object";
            case ARRAY -> "an array";
            case BOOLEAN -> "a boolean";
            default -> "null";
        };
    }

    @Override
    public String subject() {
        return key;
    }
}
