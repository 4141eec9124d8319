package io.statestore.daemon.acl;

import io.statestore.client.Role;
import io.statestore.daemon.files.PrivateFiles;
import io.statestore.daemon.redis.RedisAdmin;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.exceptions.JedisDataException;

/**
 * Keeps the roles' ACL users on a live server as the configuration says: rules replaced,
 * the current password's hash added, other passwords (still in a rotation's grace) kept until
 * {@link #retireDue} takes them away. On a server with an ACL file the result is saved there.
 */
public final class AclSync {
    /** Passwords replaced by a rotation and when they stop working: field "user hash", value epoch ms. */
    public static final String RETIRING = "acl:retiring";

    private final RedisAdmin admin;
    private final String prefix;

    public AclSync(RedisAdmin admin, String prefix) {
        this.admin = admin;
        this.prefix = prefix;
    }

    /** The roles this daemon keeps, with the document globs each may touch. */
    public record Managed(Role role, List<String> docPatterns) {}

    /**
     * Creates or updates each role's user.
     *
     * @throws JedisDataException NOPERM when the daemon's own user may not manage ACL users
     */
    public void apply(List<Managed> roles, Secrets secrets) throws java.io.IOException {
        boolean json = hasJsonCategory();
        for (Managed m : roles) {
            String password = secrets.password(m.role());
            List<String> rules = new ArrayList<>(AclRules.rules(m.role(), prefix, m.docPatterns(), json));
            rules.add("#" + Secrets.hash(password));
            setUser(m.role().userName(), rules);
        }
        save();
    }

    /** Gives {@code role} a new password; the old one keeps working for {@code grace}. */
    public void rotate(Role role, Secrets secrets, Duration grace) throws java.io.IOException {
        String old = secrets.password(role);
        String fresh = PrivateFiles.randomSecret();
        // the server first, then the file: whoever reads the new password can already use it
        setUser(role.userName(), List.of("#" + Secrets.hash(fresh)));
        secrets.store(role, fresh);
        String field = role.userName() + " " + Secrets.hash(old);
        admin.with(j -> j.hset(prefix + RETIRING, field, Long.toString(System.currentTimeMillis() + grace.toMillis())));
        if (grace.isZero()) {
            retireDue();
        } else {
            save();
        }
    }

    /** Removes the replaced passwords whose grace has passed; returns how many. */
    public int retireDue() {
        Map<String, String> pending = admin.with(j -> j.hgetAll(prefix + RETIRING));
        long now = System.currentTimeMillis();
        int n = 0;
        for (Map.Entry<String, String> e : pending.entrySet()) {
            if (Long.parseLong(e.getValue()) > now) {
                continue;
            }
            String[] userHash = e.getKey().split(" ", 2);
            setUser(userHash[0], List.of("!" + userHash[1]));
            admin.with(j -> j.hdel(prefix + RETIRING, e.getKey()));
            n++;
        }
        if (n > 0) {
            save();
        }
        return n;
    }

    private void setUser(String user, List<String> rules) {
        admin.with(j -> j.aclSetUser(user, rules.toArray(new String[0])));
    }

    private boolean hasJsonCategory() {
        return admin.with(Jedis::aclCat).stream().anyMatch(c -> c.equalsIgnoreCase("json"));
    }

    /** ACL SAVE when the server keeps its users in a file (the embedded one); otherwise nothing to save. */
    private void save() {
        admin.with(j -> {
            Map<String, String> aclfile = j.configGet("aclfile");
            String path = aclfile.getOrDefault("aclfile", "");
            return path.isEmpty() ? null : j.aclSave();
        });
    }
}
