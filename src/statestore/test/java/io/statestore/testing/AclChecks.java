package io.statestore.testing;

import io.statestore.client.Role;
import io.statestore.daemon.acl.Secrets;
import java.io.IOException;
import java.io.UncheckedIOException;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.resps.AccessControlUser;

/** What a server's ACL holds for the daemon's roles. */
public final class AclChecks {
    private AclChecks() {}

    /** Whether {@code server} has {@code role}'s user with the password its secrets file holds now. */
    public static boolean hasCurrentPassword(Jedis server, Role role, Secrets secrets) {
        AccessControlUser u = server.aclGetUser(role.userName());
        try {
            return u != null && u.getPassword().contains(Secrets.hash(secrets.password(role)));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
