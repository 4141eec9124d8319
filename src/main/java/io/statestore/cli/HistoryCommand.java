package io.statestore.cli;

import io.statestore.client.Role;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.statestore.client.HistoryEntry;
import io.statestore.client.StateStore;
import io.statestore.client.StrictJson;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

@Command(name = "history", mixinStandardHelpOptions = true,
        description = {"Print the kept versions of a document, oldest first, one JSON line each:",
                "{\"rev\",\"op\",\"writer\",\"time\",\"value\"} (no \"value\" for a deletion). Nothing when history is off for the key.",
                "`history policy ...` shows and changes the history policy kept in Redis, which every writer follows."},
        subcommands = HistoryPolicyCommand.class)
final class HistoryCommand extends StoreCommand {
    @Parameters(index = "0", arity = "0..1", paramLabel = "KEY", description = "The document key.")
    String key;

    @Override
    public Integer call() {
        if (key == null) {
            throw new CommandLine.ParameterException(spec.commandLine(), "Missing required parameter: 'KEY'");
        }
        try (StateStore store = openStore()) {
            for (HistoryEntry e : store.history().list(key)) {
                out().println(StrictJson.write(line(e)));
            }
        }
        return 0;
    }

    static ObjectNode line(HistoryEntry e) {
        ObjectNode o = JsonNodeFactory.instance.objectNode();
        o.put("rev", e.revision());
        o.put("op", e.op());
        o.put("writer", e.writer());
        o.put("time", e.time().toString());
        e.document().ifPresent(d -> o.set("value", d));
        return o;
    }

    @Override
    public String subject() {
        return key;
    }

    @Override
    protected Role role() {
        return Role.READER;
    }
}
