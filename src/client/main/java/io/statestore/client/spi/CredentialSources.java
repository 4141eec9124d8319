package io.statestore.client.spi;

import io.statestore.client.InvalidInputException;
import io.statestore.client.Role;
import io.statestore.client.StateStoreOptions;
import io.statestore.client.TlsOptions;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;

/**
 * Finds a credential when the caller named none, in the one documented precedence
 * (docs/security.md): {@code STATESTORE_PASSWORD_FILE} (user {@code STATESTORE_USER}), then a
 * systemd credential {@code $CREDENTIALS_DIRECTORY/statestore-<role>}, then the daemon's
 * connection file. Explicit options ({@code --user}, {@code --password-file}) come before all
 * of these and are the caller's to apply.
 */
public final class CredentialSources {
    private CredentialSources() {}

    /**
     * Where to connect and as whom.
     *
     * @param source what supplied the credential, for messages ("connection file /x", "none")
     */
    public record Found(
            URI uri, Optional<String> user, Optional<Path> passwordFile, Optional<Path> tlsCa, String source) {
        /** Sets what was found on {@code b}. */
        public StateStoreOptions.Builder applyTo(StateStoreOptions.Builder b) {
            b.uri(uri);
            user.ifPresent(b::user);
            passwordFile.ifPresent(b::passwordFile);
            tlsCa.ifPresent(ca -> b.tls(TlsOptions.builder().caFile(ca).build()));
            return b;
        }
    }

    /**
     * @param role        the role wanted when a source offers several (the connection file)
     * @param explicitUrl the URL the caller gave, or null: the connection file's, else the default
     */
    public static Found find(Role role, Map<String, String> env, URI explicitUrl) {
        URI uri = explicitUrl != null ? explicitUrl : URI.create(StateStoreOptions.DEFAULT_URI);
        String envFile = env.get("STATESTORE_PASSWORD_FILE");
        if (envFile != null && !envFile.isBlank()) {
            String user = env.get("STATESTORE_USER");
            return new Found(
                    uri,
                    Optional.ofNullable(user).filter(u -> !u.isBlank()),
                    Optional.of(Path.of(envFile)),
                    Optional.empty(),
                    "STATESTORE_PASSWORD_FILE");
        }
        String creds = env.get("CREDENTIALS_DIRECTORY");
        if (creds != null && !creds.isBlank()) {
            Path f = Path.of(creds, "statestore-" + role.userName());
            if (Files.isReadable(f)) {
                return new Found(
                        uri, Optional.of(role.userName()), Optional.of(f), Optional.empty(), "systemd credential " + f);
            }
        }
        Optional<ConnectionFile> file = ConnectionFile.find(env);
        if (file.isPresent() && (explicitUrl == null || sameServer(explicitUrl, file.get()))) {
            ConnectionFile c = file.get();
            Path pw = c.passwordFile(role.userName())
                    .orElseThrow(() -> new InvalidInputException(
                            "the statestore connection file offers no " + role.userName() + " credential (it has "
                                    + (c.passwordFiles() == null
                                            ? "none"
                                            : c.passwordFiles().keySet()) + ")"));
            return new Found(
                    URI.create(c.url()),
                    Optional.of(role.userName()),
                    Optional.of(pw),
                    Optional.ofNullable(c.tlsCa()).map(Path::of),
                    "connection file");
        }
        return new Found(uri, Optional.empty(), Optional.empty(), Optional.empty(), "none");
    }

    private static boolean sameServer(URI given, ConnectionFile file) {
        URI theirs = URI.create(file.url());
        return given.getHost() != null && given.getHost().equals(theirs.getHost()) && port(given) == port(theirs);
    }

    private static int port(URI u) {
        return u.getPort() < 0 ? RedisEndpoint.DEFAULT_PORT : u.getPort();
    }
}
