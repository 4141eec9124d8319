package io.statestore.client.spi;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A function library as a server has it, read with {@code FUNCTION LIST LIBRARYNAME name
 * WITHCODE}: its code, the functions it registers and the version its version function answers
 * (0 when it has none: then it is no version of ours).
 *
 * @param code      the code bytes exactly as the server returned them (not copied: read only)
 * @param functions the registered function names, as the server lists them
 */
public record ServerLibrary(String name, int version, byte[] code, List<String> functions) {

    /** Lower-case hex SHA-256 of the code: computed when asked for (messages), not for a check. */
    public String digest() {
        return FunctionLibrary.sha256(code);
    }

    /** Whether the server holds {@code ours} byte for byte. */
    public boolean holds(FunctionLibrary ours) {
        return ours.sameCode(code);
    }

    /**
     * The library {@code name} on the server of {@code redis}, or empty when it has none. Plain
     * calls, not {@link RedisGateway#fcall}: this runs while the gateway installs its libraries.
     */
    static Optional<ServerLibrary> read(RedisGateway redis, String name, String versionFunction) {
        List<Object> libraries =
                redis.call(j -> j.functionListWithCode(name.getBytes(StandardCharsets.UTF_8)), null, false);
        for (Object l : libraries) {
            Map<String, Object> fields = pairs(l);
            if (!name.equals(FunctionCalls.text(fields.get("library_name")))) {
                continue; // LIBRARYNAME is a pattern; ours have no wildcards, but be exact anyway
            }
            byte[] code = fields.get("library_code") instanceof byte[] b ? b : new byte[0];
            List<String> functions = new ArrayList<>();
            for (Object f : FunctionCalls.list(fields.get("functions"))) {
                functions.add(FunctionCalls.text(pairs(f).get("name")));
            }
            int version = functions.contains(versionFunction) ? version(redis, versionFunction) : 0;
            return Optional.of(new ServerLibrary(name, version, code, List.copyOf(functions)));
        }
        return Optional.empty();
    }

    private static int version(RedisGateway redis, String versionFunction) {
        String v = FunctionCalls.text(
                redis.call(j -> j.fcallReadonly(versionFunction, List.of(), List.of()), null, false));
        try {
            return Integer.parseInt(v);
        } catch (NumberFormatException notOurs) {
            return 0; // a version function that does not answer a number is no version of ours
        }
    }

    /** A RESP2 array of alternating field names and values. */
    private static Map<String, Object> pairs(Object reply) {
        List<Object> flat = FunctionCalls.list(reply);
        Map<String, Object> m = new HashMap<>();
        for (int i = 0; i + 1 < flat.size(); i += 2) {
            m.put(FunctionCalls.text(flat.get(i)), flat.get(i + 1));
        }
        return m;
    }
}
