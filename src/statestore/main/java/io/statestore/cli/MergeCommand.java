package io.statestore.cli;

import com.fasterxml.jackson.databind.JsonNode;
import io.statestore.client.InvalidInputException;
import io.statestore.client.StateStore;
import io.statestore.client.WriteOptions;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

@Command(
        name = "merge",
        mixinStandardHelpOptions = true,
        description = "Apply an RFC 7386 merge patch (a missing document is created from it). Prints the new revision.",
        footer =
                "A patch of null is refused: it would replace the whole document (write null with put if you mean it).")
final class MergeCommand extends StoreCommand implements RecordsWriter {
    @Parameters(index = "0", paramLabel = "KEY", description = "The document key.")
    String key;

    @Parameters(
            index = "1",
            paramLabel = "PATCH",
            description = "The patch as JSON text, or @FILE: the JSON in FILE (@- for stdin).")
    String patch;

    @Mixin
    WriteArgs write;

    @Override
    public Integer call() {
        WriteOptions options = write.toOptions();
        JsonNode p = JsonInput.textOrFile(this, patch, "PATCH argument");
        if (p.isNull()) {
            // RFC 7386: a null patch replaces the whole document with null, which is never what a merge means
            throw new InvalidInputException("a merge patch of null would replace the whole document with null;"
                    + " to remove members, merge an object with them set to null; to make the document null,"
                    + " write it: echo null | statestore put " + key);
        }
        try (StateStore store = openStore()) {
            out().println(store.merge(key, p, options).revision());
        }
        return 0;
    }

    @Override
    public String subject() {
        return key;
    }
}
