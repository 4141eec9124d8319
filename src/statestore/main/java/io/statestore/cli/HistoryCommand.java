package io.statestore.cli;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.statestore.client.HistoryEntry;
import io.statestore.client.HistoryPolicy;
import io.statestore.client.Role;
import io.statestore.client.StateStore;
import io.statestore.client.StrictJson;
import java.util.List;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

@Command(
        name = "history",
        mixinStandardHelpOptions = true,
        description = {
            "Print the kept versions of a document, oldest first, one JSON line each.",
            "A line is {\"rev\",\"op\",\"writer\",\"time\",\"value\"} (no \"value\" for a deletion).",
            "When none is kept, a line on stderr says why and how to keep some (exit 0, nothing on stdout).",
            "`history policy ...` shows and changes the history policy kept in Redis, which every writer follows."
        },
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
            List<HistoryEntry> entries = store.history().list(key);
            for (HistoryEntry e : entries) {
                out().println(StrictJson.write(line(e)));
            }
            if (entries.isEmpty()) {
                spec.commandLine()
                        .getErr()
                        .println(noHistory(key, store.history().policyFor(key)));
            }
        }
        return 0;
    }

    /** Why {@code key} has no versions to show, and the command that keeps some. */
    static String noHistory(String key, HistoryPolicy policy) {
        String enable = "statestore history policy set " + shellWord(key) + " --versions 50";
        if (!policy.enabled()) {
            String why = policy.pattern().equals("*") && policy.maxVersions() == 0
                    ? "no history policy rule matches it"
                    : "its history policy rule \"" + policy.pattern() + "\" keeps 0 versions";
            return "statestore: history " + key + ": history is not kept for this key (" + why
                    + "); to keep its last 50" + " versions from the next write on: " + enable;
        }
        return "statestore: history " + key + ": no versions kept yet (its rule \"" + policy.pattern() + "\" keeps "
                + policy.maxVersions() + "; versions are kept from the next write on)";
    }

    private static String shellWord(String s) {
        return s.matches("[A-Za-z0-9_:./@%+=,-]+") ? s : "'" + s.replace("'", "'\\''") + "'";
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
