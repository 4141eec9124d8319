package io.statestore.client;

import java.util.Locale;

/**
 * The three kinds of credential a statestore server knows, each a Redis ACL user of the same
 * name (docs/security.md): the daemon's {@code admin}, client processes' {@code writer},
 * inspection's {@code reader}.
 */
public enum Role {
    /** The daemon: library installs and upgrades, sweeps, trims, backups, store settings, ACL users. */
    ADMIN,
    /** Client processes: every function, on the keys the role is given; no administrative command. */
    WRITER,
    /** Inspection and dashboards: read functions, reads, subscriptions; no writes of any kind. */
    READER;

    /** The Redis ACL user name of the role. */
    public String userName() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** The role a user name stands for, or null for a user of another name. */
    public static Role ofUser(String user) {
        for (Role r : values()) {
            if (r.userName().equals(user)) {
                return r;
            }
        }
        return null;
    }
}
