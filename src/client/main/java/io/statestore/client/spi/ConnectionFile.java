package io.statestore.client.spi;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.statestore.client.InvalidInputException;
import io.statestore.client.PermissionDeniedException;
import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What the daemon tells local clients in {@code <dataDir>/connection.json} (docs/security.md):
 * where its server is and which file holds each role's password. It holds no secret itself;
 * it lives in the state directory (0700), so only users who may read the secrets find it.
 *
 * @param url           the server, without a password (redis://, rediss://)
 * @param socket        the server's Unix socket, for redis-cli -s; null: none
 * @param tlsCa         the CA bundle that verifies the server, with rediss://; null: none
 * @param passwordFiles a password file for each ACL user, by user name
 * @param defaultUser   the user a client takes when it names none
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ConnectionFile(
        int version, String url, String socket, String tlsCa, Map<String, String> passwordFiles, String defaultUser) {
    public static final String NAME = "connection.json";
    private static final ObjectMapper JSON =
            new ObjectMapper().disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

    /**
     * Where clients look, in order: {@code $STATESTORE_CONNECTION_FILE}, then the data
     * directory of a daemon run by this user ({@code ~/.local/share/statestore}), then the
     * systemd service's ({@code /var/lib/statestore}).
     */
    public static List<Path> candidates(Map<String, String> env) {
        List<Path> l = new ArrayList<>();
        String explicit = env.get("STATESTORE_CONNECTION_FILE");
        if (explicit != null && !explicit.isBlank()) {
            l.add(Path.of(explicit));
            return l;
        }
        String home = env.getOrDefault("HOME", System.getProperty("user.home"));
        if (home != null && !home.isBlank()) {
            l.add(Path.of(home, ".local", "share", "statestore", NAME));
        }
        l.add(Path.of("/var/lib/statestore", NAME));
        return l;
    }

    /**
     * The first connection file found. One that exists but cannot be read (another user's
     * state directory) is an error that says so, not a silent fallback to no credential.
     */
    public static Optional<ConnectionFile> find(Map<String, String> env) {
        for (Path p : candidates(env)) {
            if (Files.exists(p)) {
                return Optional.of(read(p));
            }
            if (!Files.notExists(p)) { // neither exists nor not: a directory on the way is not ours to enter
                throw unreadable(p);
            }
        }
        return Optional.empty();
    }

    public static ConnectionFile read(Path file) {
        try {
            return JSON.readValue(Files.readAllBytes(file), ConnectionFile.class);
        } catch (AccessDeniedException e) {
            throw unreadable(file);
        } catch (IOException e) {
            throw new InvalidInputException(
                    "cannot read the statestore connection file " + file + ": " + e.getMessage());
        }
    }

    private static PermissionDeniedException unreadable(Path file) {
        return new PermissionDeniedException("cannot read the statestore connection file " + file
                + ": permission denied (the daemon's state directory is its user's alone); run as that user,"
                + " or give --user ROLE --password-file FILE (docs/security.md)");
    }

    /** The file as JSON, for the daemon to write. */
    public byte[] toJson() {
        try {
            return JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(this);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    public Optional<Path> passwordFile(String user) {
        String f = passwordFiles == null ? null : passwordFiles.get(user);
        return Optional.ofNullable(f).map(Path::of);
    }
}
