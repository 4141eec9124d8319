package io.statestore.cli;

import io.statestore.client.Role;
import io.statestore.client.StateStoreOptions;
import io.statestore.client.TlsOptions;
import io.statestore.client.spi.ConnectionFile;
import io.statestore.client.spi.CredentialSources;
import io.statestore.client.spi.RedisEndpoint;
import io.statestore.daemon.config.ConfigException;
import io.statestore.daemon.config.DaemonConfig;
import java.io.PrintStream;
import java.net.URI;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * Base of the commands that read the daemon's configuration ({@code status}, {@code backup}):
 * the {@code --config} option, the environment overrides, and the output streams, which are
 * {@code Main.run}'s when run as a subcommand and the given ones in tests.
 *
 * <p>Which server (docs/cli.md, "Which server, which credential"): {@code --redis}, else
 * {@code STATESTORE_REDIS_URL}, else the config file's server ({@code redis.url}, or the embedded
 * server of its data directory), else the local daemon's connection file, else the embedded
 * server of the default data directory. With a URL from the flag or the environment the credential is
 * {@code --user}/{@code --password-file}, else the environment, a systemd credential, or the
 * daemon's connection file when it names that server; the key prefix and timeout stay the config's.
 */
abstract class DaemonConfigCommand {
    @Mixin
    ConfigOption config = new ConfigOption();

    @Spec
    CommandSpec spec;

    protected final Map<String, String> env;
    private final boolean streamsFromMain;
    protected PrintStream out;
    protected PrintStream err;

    protected DaemonConfigCommand(Map<String, String> env, PrintStream out, PrintStream err, boolean streamsFromMain) {
        this.env = env;
        this.out = out;
        this.err = err;
        this.streamsFromMain = streamsFromMain;
    }

    /** The {@link Main} this command runs under, or null when run on its own (tests). */
    private Main main() {
        return spec != null && spec.root().userObject() instanceof Main m ? m : null;
    }

    /**
     * The server to use for {@code cfg}, as {@code role} unless the options name a user: see the
     * class comment for the precedence.
     */
    protected StateStoreOptions.Builder redisOptions(DaemonConfig cfg, Role role) {
        Main m = main();
        String url = m != null ? m.redisUrl : env.get("STATESTORE_REDIS_URL");
        if (url == null || url.isBlank()) {
            return config.given(env) || !cfg.redis().embedded() ? cfg.redisOptions() : connectionFile(cfg, role, m);
        }
        URI explicit = URI.create(url.strip());
        StateStoreOptions.Builder b = StateStoreOptions.builder()
                .keyPrefix(cfg.redis().keyPrefix())
                .timeout(cfg.redis().timeout());
        String user = m != null ? m.user : env.get("STATESTORE_USER");
        Path passwordFile =
                m != null && m.passwordFile != null ? m.io().workDir().resolve(m.passwordFile) : null;
        if (passwordFile != null) {
            b.uri(explicit).passwordFile(passwordFile);
            if (user != null && !user.isBlank()) {
                b.user(user);
            }
        } else {
            Role wanted = role;
            if (user != null && !user.isBlank()) {
                wanted = Role.ofUser(user);
                if (wanted == null) {
                    throw new CliException("user \"" + user + "\" needs --password-file (the connection file knows only"
                            + " the roles admin, writer and reader)");
                }
            }
            CredentialSources.find(wanted, env, explicit).applyTo(b);
        }
        if (m != null && m.sentinelPasswordFile != null) {
            b.sentinelPasswordFile(m.io().workDir().resolve(m.sentinelPasswordFile));
        }
        if (m != null) {
            TlsOptions given = m.tls.options(m.io().workDir());
            if (given.configured()) {
                b.tls(given);
            }
        }
        return b;
    }

    /**
     * No URL from the flag, the environment or a config file: the local daemon's connection file
     * (its URL, TLS CA and {@code role}'s password file; --user/--password-file win), else the
     * built-in default, the embedded server of the default data directory.
     */
    private StateStoreOptions.Builder connectionFile(DaemonConfig cfg, Role role, Main m) {
        Optional<ConnectionFile> found = ConnectionFile.find(env);
        if (found.isEmpty()) {
            return cfg.redisOptions();
        }
        ConnectionFile c = found.get();
        StateStoreOptions.Builder b = StateStoreOptions.builder()
                .uri(URI.create(c.url()))
                .keyPrefix(cfg.redis().keyPrefix())
                .timeout(cfg.redis().timeout());
        if (c.tlsCa() != null) {
            b.tls(TlsOptions.builder().caFile(Path.of(c.tlsCa())).build());
        }
        if (m != null && m.passwordFile != null) {
            b.passwordFile(m.io().workDir().resolve(m.passwordFile));
            if (m.user != null && !m.user.isBlank()) {
                b.user(m.user);
            }
            return b;
        }
        Optional<Path> pw = c.passwordFile(role.userName());
        if (pw.isEmpty()) {
            return cfg.redisOptions(); // it offers this caller no such credential: the default, as before
        }
        return b.user(role.userName()).passwordFile(pw.get());
    }

    /** The server {@code options} name, without a password: for messages. */
    protected static String target(StateStoreOptions options) {
        return RedisEndpoint.redacted(options.uri().toString());
    }

    /** The configuration, or null after printing why it could not be loaded. */
    protected DaemonConfig loadConfig() {
        if (streamsFromMain && spec != null && spec.root().userObject() instanceof Main main) {
            out = main.io().out();
            err = main.io().err();
        }
        try {
            return config.load(env);
        } catch (ConfigException e) {
            err.println("statestore: " + e.getMessage());
            return null;
        }
    }
}
