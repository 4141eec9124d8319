package io.statestore.cli;

import io.statestore.client.Role;
import io.statestore.client.StateStore;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

@Command(
        name = "ls",
        mixinStandardHelpOptions = true,
        description =
                "List the keys of existing documents starting with PREFIX (all when absent), one per line, in byte order.")
final class LsCommand extends StoreCommand {
    @Parameters(index = "0", paramLabel = "PREFIX", arity = "0..1", defaultValue = "", description = "Key prefix.")
    String prefix;

    @Override
    public Integer call() {
        List<String> keys;
        try (StateStore store = openStore()) {
            keys = store.list(prefix);
        }
        keys.forEach(out()::println);
        return 0;
    }

    @Override
    public String subject() {
        return prefix.isEmpty() ? null : prefix;
    }

    @Override
    protected Role role() {
        return Role.READER;
    }
}
