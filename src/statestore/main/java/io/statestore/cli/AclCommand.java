package io.statestore.cli;

import io.statestore.client.Durations;
import io.statestore.client.InvalidInputException;
import io.statestore.client.Role;
import io.statestore.daemon.acl.AclRules;
import io.statestore.daemon.acl.AclSync;
import io.statestore.daemon.acl.Secrets;
import io.statestore.daemon.config.DaemonConfig;
import io.statestore.daemon.redis.RedisAdmin;
import java.io.IOException;
import java.io.PrintStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code statestore acl print [ROLE]} and {@code statestore acl rotate ROLE} (docs/security.md). */
@Command(
        name = "acl",
        mixinStandardHelpOptions = true,
        description = {
            "The roles' Redis ACL users (docs/security.md).",
            "print [ROLE]: the ACL SETUSER lines for an administrator who manages users by hand (passwords as SHA-256).",
            "rotate ROLE: a new password for ROLE, written to its file; the old one opens new connections for"
                    + " acl.rotationGrace (or --grace) more, then stops."
        })
public final class AclCommand extends DaemonConfigCommand implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "ACTION", description = "print or rotate.")
    String action;

    @Parameters(
            index = "1",
            arity = "0..1",
            paramLabel = "ROLE",
            description = "admin, writer or reader (with print: all three when absent).")
    String role;

    @Option(
            names = "--grace",
            paramLabel = "DURATION",
            description = "With rotate: how long the old password still works"
                    + " (0: at once; default: acl.rotationGrace of the config).")
    String grace;

    @Option(names = "--json-module", description = "With print: the server has a JSON module (adds +@json).")
    boolean jsonModule;

    /** As a subcommand of {@link Main}: prints to the streams {@code Main.run} was given. */
    public AclCommand() {
        this(System.getenv(), System.out, System.err, true);
    }

    public AclCommand(Map<String, String> env, PrintStream out, PrintStream err) {
        this(env, out, err, false);
    }

    private AclCommand(Map<String, String> env, PrintStream out, PrintStream err, boolean streamsFromMain) {
        super(env, out, err, streamsFromMain);
    }

    @Override
    public Integer call() throws IOException {
        DaemonConfig cfg = loadConfig();
        if (cfg == null) {
            return 1;
        }
        List<Role> roles;
        try {
            roles = role == null ? List.of(Role.values()) : List.of(Role.valueOf(role.toUpperCase(Locale.ROOT)));
        } catch (IllegalArgumentException e) {
            err.println("statestore: acl: unknown role \"" + role + "\" (admin, writer or reader)");
            return 2;
        }
        Secrets secrets = new Secrets(cfg.secretsPath());
        switch (action) {
            case "print":
                for (Role r : roles) {
                    out.println(setUserLine(cfg, r, secrets));
                }
                return 0;
            case "rotate":
                if (role == null) {
                    err.println("statestore: acl rotate needs a ROLE (admin, writer or reader)");
                    return 2;
                }
                return rotate(cfg, roles.get(0), secrets);
            default:
                err.println("statestore: unknown acl action \"" + action + "\" (print, rotate)");
                return 2;
        }
    }

    private String setUserLine(DaemonConfig cfg, Role r, Secrets secrets) throws IOException {
        List<String> keys =
                r == Role.READER ? cfg.acl().readerKeys() : cfg.acl().writerKeys();
        List<String> rules = new ArrayList<>(AclRules.rules(r, cfg.redis().keyPrefix(), keys, jsonModule));
        rules.add("#" + Secrets.hash(secrets.password(r)));
        return "ACL SETUSER " + r.userName() + " " + String.join(" ", rules);
    }

    private int rotate(DaemonConfig cfg, Role r, Secrets secrets) throws IOException {
        Duration g;
        try {
            g = grace == null ? cfg.acl().rotationGrace() : Durations.parse(grace, "--grace");
        } catch (InvalidInputException e) {
            err.println("statestore: acl rotate: " + e.getMessage());
            return 2;
        }
        try (RedisAdmin admin = new RedisAdmin(redisOptions(cfg, Role.ADMIN).build())) {
            new AclSync(admin, cfg.redis().keyPrefix(), cfg.acl().replicas()).rotate(r, secrets, g);
        }
        out.println(r.userName() + ": new password in " + secrets.file(r) + "; the old one works for "
                + Durations.format(g) + " more" + (r == Role.ADMIN ? " (the daemon reads the new one itself)" : ""));
        return 0;
    }
}
