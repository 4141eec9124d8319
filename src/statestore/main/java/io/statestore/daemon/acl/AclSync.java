package io.statestore.daemon.acl;

import io.statestore.client.Role;
import io.statestore.client.spi.RedisFailures;
import io.statestore.daemon.files.PrivateFiles;
import io.statestore.daemon.redis.RedisAdmin;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.exceptions.JedisDataException;
import redis.clients.jedis.exceptions.JedisException;
import redis.clients.jedis.resps.AccessControlUser;

/**
 * Keeps the roles' ACL users on the live servers as the configuration says: rules replaced,
 * the current password's hash added, other passwords (still in a rotation's grace) kept until
 * {@link #retireDue} takes them away. On a server with an ACL file the result is saved there.
 *
 * <p>The primary's replicas get the users too, and on a Redis Cluster every node
 * ({@link AclServers}): ACL users are not replicated. A replica or node that does not answer is
 * passed over with a warning and given its users by {@link #heal} once it answers again, as is
 * one that joins later or restarts without an ACL file.
 */
public final class AclSync {
    private static final Logger LOG = LoggerFactory.getLogger(AclSync.class);

    /** Passwords replaced by a rotation and when they stop working: field "user hash", value epoch ms. */
    public static final String RETIRING = "acl:retiring";

    private final RedisAdmin admin;
    private final String prefix;
    /** Servers passed over and warned about, until they answer again. */
    private final Set<String> away = java.util.concurrent.ConcurrentHashMap.newKeySet();

    public AclSync(RedisAdmin admin, String prefix) {
        this.admin = admin;
        this.prefix = prefix;
    }

    /** The roles this daemon keeps, with the document globs each may touch. */
    public record Managed(Role role, List<String> docPatterns) {}

    /**
     * Creates or updates each role's user on every server.
     *
     * @throws JedisDataException NOPERM when the daemon's own user may not manage ACL users
     */
    public void apply(List<Managed> roles, Secrets secrets) throws IOException {
        List<String> hashes = currentHashes(roles, secrets);
        for (AclServers.Server s : AclServers.of(admin)) {
            reaching(s, () -> {
                boolean json = hasJsonCategory(s);
                for (int i = 0; i < roles.size(); i++) {
                    setUser(s, roles.get(i).role().userName(), fullRules(roles.get(i), json, hashes.get(i)));
                }
                save(s);
            });
        }
    }

    /**
     * Gives the users back to every server that lacks a role's user or its current password: a
     * cluster node that was away, joined since, or restarted without an ACL file. Rules of users
     * that are there are left as they are ({@link #apply} sets them at start).
     *
     * @return the servers given users
     */
    public List<String> heal(List<Managed> roles, Secrets secrets) throws IOException {
        List<String> hashes = currentHashes(roles, secrets);
        List<String> healed = new ArrayList<>();
        for (AclServers.Server s : AclServers.of(admin)) {
            reaching(s, () -> {
                Boolean json = null;
                for (int i = 0; i < roles.size(); i++) {
                    String user = roles.get(i).role().userName();
                    AccessControlUser u = s.with(j -> j.aclGetUser(user));
                    if (u == null || !u.getPassword().contains(hashes.get(i))) {
                        json = json == null ? hasJsonCategory(s) : json;
                        setUser(s, user, fullRules(roles.get(i), json, hashes.get(i)));
                        healed.add(s.name());
                    }
                }
                if (json != null) {
                    save(s);
                    LOG.warn(
                            "{} lacked the role users or their current passwords (a node that was away, joined, or"
                                    + " restarted without an ACL file); created them there",
                            s.name());
                }
            });
        }
        return List.copyOf(new LinkedHashSet<>(healed));
    }

    /** Gives {@code role} a new password; the old one keeps working for {@code grace}. */
    public void rotate(Role role, Secrets secrets, Duration grace) throws IOException {
        String old = secrets.password(role);
        String fresh = PrivateFiles.randomSecret();
        // the servers first, then the file: whoever reads the new password can already use it
        // (a cluster node away now gets it from the heartbeat's heal)
        List<AclServers.Server> servers = AclServers.of(admin);
        for (AclServers.Server s : servers) {
            reaching(s, () -> setUser(s, role.userName(), List.of("#" + Secrets.hash(fresh))));
        }
        secrets.store(role, fresh);
        String field = role.userName() + " " + Secrets.hash(old);
        admin.with(j -> j.hset(prefix + RETIRING, field, Long.toString(System.currentTimeMillis() + grace.toMillis())));
        if (grace.isZero()) {
            retireDue();
        } else {
            for (AclServers.Server s : servers) {
                reaching(s, () -> save(s));
            }
        }
    }

    /**
     * Removes the replaced passwords whose grace has passed from every server that still has
     * them; returns how many were retired everywhere. One that a cluster node away kept stays
     * due, and is removed there at a later call.
     */
    public int retireDue() {
        Map<String, String> pending = admin.with(j -> j.hgetAll(prefix + RETIRING));
        long now = System.currentTimeMillis();
        List<Map.Entry<String, String>> due = new ArrayList<>();
        for (Map.Entry<String, String> e : pending.entrySet()) {
            if (Long.parseLong(e.getValue()) <= now) {
                due.add(e);
            }
        }
        if (due.isEmpty()) {
            return 0;
        }
        Set<String> missed = new LinkedHashSet<>();
        for (AclServers.Server s : AclServers.of(admin)) {
            boolean reached = reaching(s, () -> {
                boolean changed = false;
                for (Map.Entry<String, String> e : due) {
                    String[] userHash = e.getKey().split(" ", 2);
                    AccessControlUser u = s.with(j -> j.aclGetUser(userHash[0]));
                    // removing a password the user lacks is an error: a node given its users
                    // after the rotation never had the old one
                    if (u != null && u.getPassword().contains(userHash[1])) {
                        setUser(s, userHash[0], List.of("!" + userHash[1]));
                        changed = true;
                    }
                }
                if (changed) {
                    save(s);
                }
            });
            if (!reached) {
                missed.add(s.name());
            }
        }
        if (!missed.isEmpty()) {
            return 0;
        }
        for (Map.Entry<String, String> e : due) {
            admin.with(j -> j.hdel(prefix + RETIRING, e.getKey()));
        }
        return due.size();
    }

    private interface Step {
        void run() throws IOException;
    }

    /**
     * Runs {@code step} on {@code s}; a replica or cluster node that does not answer is passed
     * over (false), any other server's failure is the caller's. The warning comes once per
     * absence, not at every heartbeat, so a replica the daemon can never reach does not fill
     * the log.
     */
    private boolean reaching(AclServers.Server s, Step step) {
        try {
            step.run();
            if (away.remove(s.name())) {
                LOG.info("{} answers again", s.name());
            }
            return true;
        } catch (JedisDataException e) {
            throw e; // an answer (NOPERM, ...): the server is there and refuses
        } catch (JedisException e) {
            // not answering, or a connection that failed its check as the pool lent it
            if (!s.mayBeAway()) {
                throw e;
            }
            if (away.add(s.name())) {
                LOG.warn(
                        "{} did not answer ({}): its role users are made or updated when it answers again",
                        s.name(),
                        RedisFailures.describe(e));
            } else {
                LOG.debug("{} still does not answer: {}", s.name(), RedisFailures.describe(e));
            }
            return false;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private List<String> currentHashes(List<Managed> roles, Secrets secrets) throws IOException {
        List<String> out = new ArrayList<>();
        for (Managed m : roles) {
            out.add(Secrets.hash(secrets.password(m.role())));
        }
        return out;
    }

    private List<String> fullRules(Managed m, boolean json, String hash) {
        List<String> rules = new ArrayList<>(AclRules.rules(m.role(), prefix, m.docPatterns(), json));
        rules.add("#" + hash);
        return rules;
    }

    private static void setUser(AclServers.Server s, String user, List<String> rules) {
        s.with(j -> j.aclSetUser(user, rules.toArray(new String[0])));
    }

    private static boolean hasJsonCategory(AclServers.Server s) {
        return s.with(Jedis::aclCat).stream().anyMatch(c -> c.equalsIgnoreCase("json"));
    }

    /** ACL SAVE when the server keeps its users in a file (the embedded one); otherwise nothing to save. */
    private static void save(AclServers.Server s) {
        s.with(j -> {
            Map<String, String> aclfile = j.configGet("aclfile");
            String path = aclfile.getOrDefault("aclfile", "");
            return path.isEmpty() ? null : j.aclSave();
        });
    }
}
