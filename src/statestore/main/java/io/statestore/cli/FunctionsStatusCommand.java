package io.statestore.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.statestore.client.Role;
import io.statestore.client.StrictJson;
import io.statestore.client.spi.FunctionLibrary;
import io.statestore.client.spi.LibraryInstaller;
import io.statestore.client.spi.LibraryStatus;
import io.statestore.client.spi.RedisGateway;
import io.statestore.client.spi.ServerLibrary;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code statestore functions status [--json]}: each library on the server against this client's. */
@Command(
        name = "status",
        mixinStandardHelpOptions = true,
        description = {
            "Show each function library on the server: its version, and whether its code is this client's (SHA-256).",
            "Exit 1 when clients would refuse one (same version with other code, or newer but lacking functions"
                    + " they call); 'statestore functions install --force' replaces it."
        })
final class FunctionsStatusCommand extends StoreCommand {
    @Option(names = "--json", description = "One JSON object per library, for scripts.")
    boolean json;

    @Override
    public Integer call() {
        List<LibraryStatus> all = new ArrayList<>();
        try (RedisGateway redis = new RedisGateway(root().storeOptions(null, role()))) {
            LibraryInstaller installer = new LibraryInstaller(redis);
            for (FunctionLibrary lib : FunctionLibrary.all()) {
                all.add(installer.status(lib));
            }
        }
        PrintWriter out = out();
        for (LibraryStatus s : all) {
            out.println(json ? StrictJson.write(asJson(s)) : describe(s));
        }
        List<String> refused = all.stream()
                .filter(s -> s.verdict().refused())
                .map(s -> s.ours().name())
                .toList();
        if (refused.isEmpty()) {
            return 0;
        }
        PrintWriter err = spec.commandLine().getErr();
        err.println("statestore: functions status: clients refuse the server's " + String.join(" and ", refused)
                + " (see above); 'statestore functions install --force' replaces it with this client's");
        err.flush();
        return ErrorHandler.FAILURE;
    }

    private static String describe(LibraryStatus s) {
        FunctionLibrary ours = s.ours();
        String name = ours.name() + ": ";
        if (s.server().isEmpty()) {
            return name + "not on the server (a client installs its v" + ours.version() + " when it connects)";
        }
        ServerLibrary theirs = s.server().get();
        String server = name + "server v" + theirs.version() + " (sha256 " + theirs.digest() + "), ";
        return switch (s.verdict()) {
            case SAME -> server + "the same code as this client's v" + ours.version();
            case OLDER ->
                server + "older than this client's v" + ours.version() + " (a client upgrades it when it connects)";
            case NEWER_COMPATIBLE ->
                server + "newer than this client's v" + ours.version() + ", with every function it calls";
            case NEWER_INCOMPLETE ->
                server + "newer than this client's v" + ours.version() + " but lacking "
                        + String.join(", ", s.missingFunctions()) + ": refused";
            case DIFFERENT ->
                server + "the version of this client's but different code (this client's sha256 " + ours.digest()
                        + "): refused";
            case ABSENT -> throw new IllegalStateException("handled above");
        };
    }

    private static ObjectNode asJson(LibraryStatus s) {
        ObjectNode o = StrictJson.mapper().createObjectNode();
        o.put("library", s.ours().name());
        o.put("clientVersion", s.ours().version());
        o.put("clientSha256", s.ours().digest());
        if (s.server().isPresent()) {
            o.put("serverVersion", s.server().get().version());
            o.put("serverSha256", s.server().get().digest());
        } else {
            o.putNull("serverVersion");
            o.putNull("serverSha256");
        }
        o.put("sameCode", s.verdict() == LibraryStatus.Verdict.SAME);
        o.put("verdict", s.verdict().name().toLowerCase(Locale.ROOT));
        ArrayNode missing = o.putArray("missingFunctions");
        if (s.server().isPresent()) {
            s.missingFunctions().forEach(missing::add);
        }
        return o;
    }

    @Override
    protected Role role() {
        return Role.READER;
    }
}
