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

    /**
     * Passwords retired everywhere the daemon could reach: field "user hash", value epoch ms. Kept
     * after the retirement, because a server that was not listed then (a replica disconnected from
     * its primary, a cluster node marked failed) can come back with an ACL file that still has
     * them: {@link #heal} removes them there.
     */
    public static final String RETIRED = "acl:retired";

    private final RedisAdmin admin;
    private final String prefix;
    /** Servers passed over and warned about, until they answer again. */
    private final Set<String> away = java.util.concurrent.ConcurrentHashMap.newKeySet();
    /**
     * Servers ({@link AclServers.Server#id}) given this configuration's rules by {@link #apply} or
     * {@link #heal}. One that apply passed over may still have the rules of an older
     * configuration, wider perhaps, so heal sets the rules there once, even if the users are there.
     */
    private final Set<String> ruled = java.util.concurrent.ConcurrentHashMap.newKeySet();

    /** Whether the replicas get the users too ({@code acl.replicas}; docs/security.md). */
    private final boolean replicas;

    /** @param replicas false: on the primary, or a cluster's primaries, only ({@code acl.replicas: false}) */
    public AclSync(RedisAdmin admin, String prefix, boolean replicas) {
        this.admin = admin;
        this.prefix = prefix;
        this.replicas = replicas;
    }

    /** The roles this daemon keeps, with the document globs each may touch. */
    public record Managed(Role role, List<String> docPatterns) {}

    /**
     * Where the last pass ({@link #apply} or {@link #heal}) left the users: the servers it listed,
     * and those of them it could not reach (not answering, or refusing). A server in
     * {@code missing} may lack the users: if it is a replica, a failover to it would turn the
     * writers away.
     */
    public record Coverage(int servers, List<String> missing) {
        public static final Coverage NONE = new Coverage(0, List.of());
    }

    private volatile Coverage coverage = Coverage.NONE;

    /** Where the last pass left the users (nothing before the first). */
    public Coverage coverage() {
        return coverage;
    }

    /**
     * Creates or updates each role's user on every server.
     *
     * @throws JedisDataException NOPERM when the daemon's own user may not manage ACL users
     */
    public void apply(List<Managed> roles, Secrets secrets) throws IOException {
        List<String> hashes = currentHashes(roles, secrets);
        List<AclServers.Server> servers = AclServers.of(admin, replicas);
        List<String> missing = new ArrayList<>();
        for (AclServers.Server s : servers) {
            boolean reached = reaching(s, false, () -> {
                boolean json = hasJsonCategory(s);
                for (int i = 0; i < roles.size(); i++) {
                    setUser(s, roles.get(i).role().userName(), fullRules(roles.get(i), json, hashes.get(i)));
                }
                save(s);
                ruled.add(s.id());
            });
            if (!reached) {
                missing.add(s.name());
            }
        }
        coverage = new Coverage(servers.size(), List.copyOf(missing));
    }

    /**
     * Gives the users back to every server that lacks a role's user or its current password: a
     * cluster node that was away, joined since, or restarted without an ACL file. Rules of users
     * that are there are left as they are ({@link #apply} sets them at start), except on a server
     * apply did not reach. Passwords already retired ({@link #RETIRED}) are taken away from any
     * server that has them again. A replica or node that does not answer, or refuses, is passed
     * over: the others are still healed.
     *
     * @return the servers given users
     */
    public List<String> heal(List<Managed> roles, Secrets secrets) throws IOException {
        List<String> hashes = currentHashes(roles, secrets);
        Map<String, String> retired = admin.with(j -> j.hgetAll(prefix + RETIRED));
        List<String> healed = new ArrayList<>();
        List<AclServers.Server> servers = AclServers.of(admin, replicas);
        List<String> missing = new ArrayList<>();
        for (AclServers.Server s : servers) {
            boolean reached = reaching(s, true, () -> {
                boolean rules = !ruled.contains(s.id());
                Boolean json = null;
                List<String> what = new ArrayList<>();
                for (int i = 0; i < roles.size(); i++) {
                    String user = roles.get(i).role().userName();
                    AccessControlUser u = s.with(j -> j.aclGetUser(user));
                    if (u == null || rules || !u.getPassword().contains(hashes.get(i))) {
                        json = json == null ? hasJsonCategory(s) : json;
                        setUser(s, user, fullRules(roles.get(i), json, hashes.get(i)));
                        what.add(u == null ? user + " created" : user + " given its rules and current password");
                    }
                    List<String> stale = new ArrayList<>();
                    for (String h : u == null ? List.<String>of() : u.getPassword()) {
                        // the current one never: a secrets file restored from a backup may hold a
                        // password retired since, and removing it would undo the heal at every beat
                        if (retired.containsKey(user + " " + h) && !h.equals(hashes.get(i))) {
                            stale.add("!" + h);
                        }
                    }
                    if (!stale.isEmpty()) {
                        setUser(s, user, stale);
                        what.add(user + " had " + stale.size() + " retired password(s), removed");
                    }
                }
                ruled.add(s.id());
                if (!what.isEmpty()) {
                    save(s);
                    healed.add(s.name());
                    LOG.warn(
                            "{} was not as the configuration says (users deleted, or a server that was away, joined, or restarted with an"
                                    + " old ACL file or none): {}",
                            s.name(),
                            String.join(", ", what));
                }
            });
            if (!reached) {
                missing.add(s.name());
            }
        }
        coverage = new Coverage(servers.size(), List.copyOf(missing));
        return List.copyOf(new LinkedHashSet<>(healed));
    }

    /** Gives {@code role} a new password; the old one keeps working for {@code grace}. */
    public void rotate(Role role, Secrets secrets, Duration grace) throws IOException {
        String old = secrets.password(role);
        String fresh = PrivateFiles.randomSecret();
        // the servers first, then the file: whoever reads the new password can already use it
        // (a cluster node away now gets it from the heartbeat's heal)
        List<AclServers.Server> servers = AclServers.of(admin, replicas);
        for (AclServers.Server s : servers) {
            reaching(s, false, () -> setUser(s, role.userName(), List.of("#" + Secrets.hash(fresh))));
        }
        secrets.store(role, fresh);
        String field = role.userName() + " " + Secrets.hash(old);
        admin.with(j -> j.hset(prefix + RETIRING, field, Long.toString(System.currentTimeMillis() + grace.toMillis())));
        if (grace.isZero()) {
            retireDue();
        } else {
            for (AclServers.Server s : servers) {
                reaching(s, false, () -> save(s));
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
        for (AclServers.Server s : AclServers.of(admin, replicas)) {
            boolean reached = reaching(s, true, () -> {
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
        String at = Long.toString(now);
        for (Map.Entry<String, String> e : due) {
            admin.with(j -> j.hset(prefix + RETIRED, e.getKey(), at)); // before the HDEL: never in neither
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
     *
     * @param maintenance the heartbeat's passes (heal, retire): a replica or node that refuses
     *     (NOPERM, a wrong password for the daemon there) is passed over too, since throwing would
     *     leave the servers after it unhealed and every replaced password unretired, at every beat
     */
    private boolean reaching(AclServers.Server s, boolean maintenance, Step step) {
        try {
            step.run();
            if (away.remove(s.name())) {
                LOG.info("{} answers again", s.name());
            }
            return true;
        } catch (JedisDataException e) {
            // an answer (NOPERM, ...): the server is there and refuses
            if (!s.mayBeAway()) {
                throw e;
            }
            if (!maintenance) {
                // the caller's log names the primary's URL; say which server refused
                throw new JedisDataException(s.name() + " refused: " + e.getMessage(), e);
            }
            if (away.add(s.name())) {
                // NOPERM is the daemon's user; anything else the server's own (an ACL SAVE on a full disk)
                boolean denied = String.valueOf(e.getMessage()).startsWith("NOPERM");
                LOG.warn(
                        "{} refused the role users' upkeep ({}){}; tried again at each heartbeat",
                        s.name(),
                        e.getMessage(),
                        denied ? ": the daemon's user must be allowed ACL there" : "");
            }
            return false;
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
