package io.statestore.client.spi;

import io.statestore.client.PermissionDeniedException;
import io.statestore.client.Role;
import java.util.Optional;

/**
 * Turns Redis's bare NOAUTH, WRONGPASS and NOPERM into sentences that name the user, what it
 * tried and which credential would do (issue 15): "the reader role cannot write documents; use
 * a writer credential".
 */
public final class Permissions {
    private final String endpoint;
    private final Optional<String> user;

    Permissions(String endpoint, Optional<String> user) {
        this.endpoint = endpoint;
        this.user = user;
    }

    /**
     * A connection refused for want of the right credential (NOAUTH, WRONGPASS) in our words, or
     * null for any other reply; for callers outside the client that talk to Redis themselves.
     */
    public static PermissionDeniedException ofConnection(String endpoint, Optional<String> user, String reply) {
        String r = reply == null ? "" : reply.replaceFirst("^-", "");
        if (!r.startsWith("NOAUTH") && !r.startsWith("WRONGPASS")) {
            return null;
        }
        return new Permissions(endpoint, user).explain(r, null, null);
    }

    /** Whether an error reply is a refusal for want of a credential or permission. */
    static boolean isRefusal(String reply) {
        if (reply == null) {
            return false;
        }
        return reply.startsWith("NOAUTH")
                || reply.startsWith("WRONGPASS")
                || reply.startsWith("NOPERM")
                // a command inside a function, refused by the caller's ACL (Redis 7.0; 7.2 and Valkey)
                || reply.contains("user executing the script can't run this command")
                || reply.contains("ACL failure in script")
                || reply.contains("NOPERM");
    }

    /**
     * @param call the function or command the caller ran ({@code ss_write}, {@code FUNCTION LOAD})
     */
    PermissionDeniedException explain(String reply, String call, String key) {
        if (reply.startsWith("NOAUTH")) {
            return new PermissionDeniedException(
                    "Redis at " + endpoint + " requires a credential: run as the statestore"
                            + " daemon's user (it finds the connection file), or give --user ROLE --password-file FILE"
                            + " (docs/security.md)");
        }
        if (reply.startsWith("WRONGPASS")) {
            return new PermissionDeniedException("Redis at " + endpoint + " refused the password of user \""
                    + user.orElse("default") + "\": wrong password, or the user is off (docs/security.md)");
        }
        String who = user.map(u -> Role.ofUser(u) != null ? "the " + u + " role" : "Redis user \"" + u + "\"")
                .orElse("the default user");
        String what = describe(call);
        String needed = needed(call).userName();
        boolean keys = reply.contains("access one of the keys") || reply.contains("No permissions to access a key");
        String about = key == null ? "" : " \"" + key + "\"";
        int own = reply.indexOf("NOPERM this user may not run ");
        if (own >= 0 && reply.contains("grant it +")) {
            // the functions' own refusal (passed on as SS_INTERNAL by their error guard), which names
            // the permission missing: CLUSTER KEYSLOT on a cluster
            return new PermissionDeniedException(
                    who + " cannot " + what + ": " + reply.substring(own + "NOPERM ".length()));
        }
        if (keys) {
            return new PermissionDeniedException(who + " cannot " + what + " on key" + about
                    + ": the key is outside those the role was given (acl.writerKeys / acl.readerKeys)");
        }
        return new PermissionDeniedException(who + " cannot " + what + "; use a" + (needed.equals("admin") ? "n " : " ")
                + needed + " credential (docs/security.md)");
    }

    static String describe(String call) {
        if (call == null) {
            return "run this command";
        }
        return switch (call) {
            case "ss_write", "ss_jwrite", "ss_write_many", "ss_chain", "ss_tx" -> "write documents (" + call + ")";
            case "ss_hpolicy_set" -> "set the history policy";
            case "ss_config_set" -> "change store settings";
            case "ss_upgrade" -> "upgrade the key layout";
            case "FUNCTION LOAD" -> "install the function library (FUNCTION LOAD)";
            default -> call.startsWith("ss_") || call.startsWith("ev_") ? "run " + call : "run " + call;
        };
    }

    /** The least role that may make the call. */
    static Role needed(String call) {
        if (call == null) {
            return Role.WRITER;
        }
        return switch (call) {
            case "ss_config_set", "ss_upgrade", "FUNCTION LOAD" -> Role.ADMIN;
            case "ss_get",
                    "ss_mget",
                    "ss_list",
                    "ss_snapshot",
                    "ss_read",
                    "ss_history",
                    "ss_hpolicy_get",
                    "ss_config_get",
                    "ss_version",
                    "ev_version" -> Role.READER;
            default -> Role.WRITER;
        };
    }
}
