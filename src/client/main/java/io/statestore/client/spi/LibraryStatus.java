package io.statestore.client.spi;

import java.util.List;
import java.util.Optional;

/**
 * One of our libraries against what the server has of the same name, and what that means for a
 * client built with ours (docs/functions.md).
 */
public record LibraryStatus(FunctionLibrary ours, Optional<ServerLibrary> server) {

    /** How the server's library compares with ours. */
    public enum Verdict {
        /** Byte-identical code. */
        SAME(false),
        /** The server has no library of this name: a client loads ours when it connects. */
        ABSENT(false),
        /** An older version (or one without a version function): a client replaces it with ours. */
        OLDER(false),
        /** A newer version registering every function we call: a client uses it. */
        NEWER_COMPATIBLE(false),
        /** A newer version lacking functions we call: a client refuses it. */
        NEWER_INCOMPLETE(true),
        /** Our version with other code: a client refuses it, as two builds would each assume their own. */
        DIFFERENT(true);

        private final boolean refused;

        Verdict(boolean refused) {
            this.refused = refused;
        }

        /** Whether a client built with our library refuses to connect (until someone installs the right library). */
        public boolean refused() {
            return refused;
        }
    }

    public Verdict verdict() {
        if (server.isEmpty()) {
            return Verdict.ABSENT;
        }
        ServerLibrary s = server.get();
        if (s.holds(ours)) {
            return Verdict.SAME;
        }
        if (s.version() < ours.version()) {
            return Verdict.OLDER;
        }
        if (s.version() == ours.version()) {
            return Verdict.DIFFERENT;
        }
        return missingFunctions().isEmpty() ? Verdict.NEWER_COMPATIBLE : Verdict.NEWER_INCOMPLETE;
    }

    /** The functions of ours that the server's library does not register (all of them when it has none). */
    public List<String> missingFunctions() {
        return ours.missingFrom(server.map(ServerLibrary::functions).orElse(List.of()));
    }

    /** The server's version; 0 when it has none. */
    public int serverVersion() {
        return server.map(ServerLibrary::version).orElse(0);
    }
}
