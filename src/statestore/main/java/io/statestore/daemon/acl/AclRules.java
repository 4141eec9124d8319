package io.statestore.daemon.acl;

import io.statestore.client.Role;
import java.util.ArrayList;
import java.util.List;

/**
 * The Redis ACL rules of each role (docs/security.md), for {@code ACL SETUSER} and
 * {@code statestore acl print}. Redis checks the commands a function runs against the caller's
 * ACL, so a role must be allowed every command and key its functions touch: a function that is
 * refused half way would leave a partial write. The key patterns are therefore derived from the
 * same document patterns the functions derive their keys from.
 */
public final class AclRules {
    /** Data commands of all types; administrative, dangerous and library-changing ones taken away after. */
    private static final List<String> WRITER_COMMANDS = List.of(
            "-@all",
            "+@read",
            "+@write",
            "+@pubsub",
            "+@connection",
            "+@transaction",
            "+fcall",
            "+fcall_ro",
            "-@admin",
            "-@dangerous",
            "-function",
            "+function|list",
            "+info",
            "+time",
            // a Redis Cluster client learns the slot map and the primaries from these (docs/cluster.md);
            // the functions ask CLUSTER KEYSLOT, with the caller's permissions, whether they run on a cluster
            "+cluster|slots",
            "+cluster|shards",
            "+cluster|nodes",
            "+cluster|info",
            "+cluster|keyslot");

    private static final List<String> READER_COMMANDS = List.of(
            "-@all",
            "+@read",
            "+fcall_ro",
            "+@connection",
            "+subscribe",
            "+psubscribe",
            "+unsubscribe",
            "+punsubscribe",
            "-@admin",
            "-@dangerous",
            "+function|list",
            "+info",
            "+time",
            "+cluster|slots",
            "+cluster|shards",
            "+cluster|nodes",
            "+cluster|info",
            "+cluster|keyslot");

    private AclRules() {}

    /**
     * The rules of {@code role}: commands, keys and channels, without passwords.
     *
     * @param prefix       the store's key prefix ({@code ss:})
     * @param docPatterns  Redis globs of the documents the role may touch ({@code *}: every document)
     * @param jsonCategory whether the server has an {@code @json} command category (a JSON module)
     */
    public static List<String> rules(Role role, String prefix, List<String> docPatterns, boolean jsonCategory) {
        // clearselectors: a selector left on the user (a hand-made user, an old ACL file) grants on its
        // own, beside the root rules; without it ACL SETUSER would keep it and the role be wider than set
        List<String> r = new ArrayList<>(List.of("on", "resetkeys", "resetchannels", "clearselectors"));
        switch (role) {
            case ADMIN -> r.addAll(List.of("~*", "&*", "+@all"));
            case WRITER -> dataRole(r, prefix, docPatterns, "~", WRITER_COMMANDS, jsonCategory);
            // the reader's +@json includes JSON.SET, but its keys are read-only: refused all the same
            case READER -> dataRole(r, prefix, docPatterns, "%R~", READER_COMMANDS, jsonCategory);
            default -> throw new IllegalArgumentException(role.toString());
        }
        return r;
    }

    /** A role on the data: {@code keyPermission} ({@code ~} or {@code %R~}) on its documents and their internal keys. */
    private static void dataRole(
            List<String> r,
            String prefix,
            List<String> docPatterns,
            String keyPermission,
            List<String> commands,
            boolean jsonCategory) {
        docPatterns(prefix, docPatterns).forEach(p -> r.add(keyPermission + p));
        internalPatterns(prefix, docPatterns).forEach(p -> r.add(keyPermission + p));
        readOnlyPatterns(prefix).forEach(p -> r.add("%R~" + p));
        r.add("&" + glob(prefix) + "chg:*");
        // on a cluster every change also wakes its slot's watchers (docs/cluster.md, "Watch on a cluster")
        r.add("&" + glob(prefix) + "wake{*}");
        r.addAll(commands);
        if (jsonCategory) {
            r.add("+@json");
        }
    }

    /**
     * The documents: the given globs, where {@code *} means every key outside the prefix (so
     * the internal keys are granted one by one below, and the admin's are never matched).
     */
    static List<String> docPatterns(String prefix, List<String> docPatterns) {
        List<String> out = new ArrayList<>();
        for (String p : docPatterns) {
            if (p.equals("*")) {
                out.addAll(notUnder(prefix));
            } else {
                out.add(p);
            }
        }
        return out;
    }

    /** Globs matching every key that does not start with {@code prefix}. */
    static List<String> notUnder(String prefix) {
        List<String> out = new ArrayList<>();
        for (int i = 0; i < prefix.length(); i++) {
            String head = glob(prefix.substring(0, i));
            char c = prefix.charAt(i);
            String cls = c == ']' || c == '\\' || c == '^' || c == '-' ? "\\" + c : String.valueOf(c);
            out.add(head + "[^" + cls + "]*");
            if (i > 0) {
                out.add(head); // a key that is the prefix's beginning and nothing more
            }
        }
        return out;
    }

    /** Keys the functions write for the documents: metadata, history, feed, index, policy, events, tasks. */
    static List<String> internalPatterns(String prefix, List<String> docPatterns) {
        String p = glob(prefix);
        List<String> out = new ArrayList<>();
        for (String d : docPatterns) {
            out.add(p + "m:{" + d + "}"); // metadata of a key without a hash tag
            out.add(p + "h:{" + d + "}"); // its history
            out.add(p + "mt:" + d); // a key with a hash tag of its own
            out.add(p + "ht:" + d);
            out.add(p + "m:" + d); // the layout before LIB_VERSION 11, read and moved on write
            out.add(p + "h:" + d);
        }
        out.addAll(List.of(
                p + "feed*",
                p + "index*",
                p + "histpolicy*",
                p + "{ev}:all",
                p + "{ev}:ids",
                p + "{ev}:types",
                p + "{ev}:t:*",
                p + "{ev}:dlq:*",
                // on a cluster each event type has its own tag, {ev:<type>} (docs/cluster.md); a
                // type name has no '}', so none of these matches a type's config below
                p + "{ev:*}:all",
                p + "{ev:*}:ids",
                p + "{ev:*}:types",
                p + "{ev:*}:t:*",
                p + "{ev:*}:dlq:*",
                p + "task:*"));
        return out;
    }

    /** Keys the functions and clients read but only the admin writes: store settings, bus limits, status, time series. */
    static List<String> readOnlyPatterns(String prefix) {
        String p = glob(prefix);
        return List.of(
                p + "config*",
                p + "{ev}:config",
                p + "{ev:*}:config",
                p + "status",
                p + "daemons",
                p + "heartbeat:*",
                p + "ts:*");
    }

    /** {@code s} as a Redis glob that matches only itself. */
    static String glob(String s) {
        StringBuilder b = new StringBuilder();
        for (char c : s.toCharArray()) {
            if (c == '*' || c == '?' || c == '[' || c == ']' || c == '\\') {
                b.append('\\');
            }
            b.append(c);
        }
        return b.toString();
    }
}
