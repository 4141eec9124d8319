package io.statestore.cli;

import com.fasterxml.jackson.databind.JsonNode;
import io.statestore.client.StateStore;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "publish", mixinStandardHelpOptions = true,
        description = "Publish an event of TYPE with JSON DATA (text, or @FILE, @- for stdin). Prints the event ID.")
final class EventsPublishCommand extends StoreCommand {
    @Parameters(index = "0", paramLabel = "TYPE", description = "The event type, e.g. asset.discovered.")
    String type;

    @Parameters(index = "1", paramLabel = "DATA", description = "JSON text, or @FILE, or @- for stdin.")
    String data;

    @Option(names = "--source", paramLabel = "NAME", description = "Who publishes (default: the writer name).")
    String source;

    @Override
    public Integer call() {
        JsonNode value = JsonInput.textOrFile(this, data, "DATA");
        try (StateStore store = openStore()) {
            out().println(store.events().publish(type, source != null ? source : store.options().writer(), value));
        }
        return 0;
    }

    @Override
    public String subject() {
        return type;
    }
}
