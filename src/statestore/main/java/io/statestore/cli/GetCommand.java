package io.statestore.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.statestore.client.Document;
import io.statestore.client.DocumentMeta;
import io.statestore.client.HistoryEntry;
import io.statestore.client.NotFoundException;
import io.statestore.client.Role;
import io.statestore.client.StateStore;
import io.statestore.client.StrictJson;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(
        name = "get",
        mixinStandardHelpOptions = true,
        description = "Print a document as compact JSON (exit 3 when it does not exist).")
final class GetCommand extends StoreCommand {
    @Parameters(index = "0", paramLabel = "KEY", description = "The document key.")
    String key;

    @Option(
            names = "--meta",
            description = {
                "Print the document with its metadata instead, as the JSON object",
                "{\"key\",\"revision\",\"created\",\"updated\",\"writer\",\"expiresAt\",\"value\"}."
            })
    boolean meta;

    @Option(
            names = "--at",
            paramLabel = "REV",
            description = "The document as it was at revision REV (from its history; exit 3 when not kept).")
    Long at;

    @Override
    public Integer call() {
        if (at != null) {
            return callAt();
        }
        Document<JsonNode> doc;
        try (StateStore store = openStore()) {
            doc = store.get(key)
                    .orElseThrow(() -> new NotFoundException(key, "not found: \"" + key + "\" does not exist"));
        }
        out().println(StrictJson.write(meta ? withMeta(doc) : doc.value()));
        return 0;
    }

    private int callAt() {
        HistoryEntry e;
        try (StateStore store = openStore()) {
            e = store.history().get(key, at);
        }
        if (meta) {
            out().println(StrictJson.write(HistoryCommand.line(e)));
            return 0;
        }
        JsonNode value = e.document()
                .orElseThrow(
                        () -> new NotFoundException(key, "not found: \"" + key + "\" was deleted at revision " + at));
        out().println(StrictJson.write(value));
        return 0;
    }

    static ObjectNode withMeta(Document<JsonNode> doc) {
        DocumentMeta m = doc.meta();
        ObjectNode o = JsonNodeFactory.instance.objectNode();
        o.put("key", doc.key());
        o.put("revision", m.revision());
        o.put("created", m.created() == null ? null : m.created().toString());
        o.put("updated", m.updated() == null ? null : m.updated().toString());
        o.put("writer", m.writer());
        o.put("expiresAt", m.expiresAt().map(Object::toString).orElse(null));
        o.set("value", doc.value());
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
