package io.statestore.daemon.web;

import io.statestore.client.Role;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.Optional;
import java.util.function.Function;

/**
 * What the login page accepts: the password of the role asked for or of a larger one (the
 * daemon's {@code <dataDir>/secrets/<role>.password}, read at each login so that a rotation takes
 * effect at once), or the daemon's HTTP token, which proves any role. Compared in constant time.
 */
public final class Credentials {
    private final Function<Role, Path> passwordFiles;
    private final Optional<String> token;

    /** @param passwordFiles where each role's password file is; it need not exist (ACL off) */
    public Credentials(Function<Role, Path> passwordFiles, Optional<String> token) {
        this.passwordFiles = passwordFiles;
        this.token = token;
    }

    public boolean accepts(Access role, String secret) {
        if (secret == null || secret.isBlank()) {
            return false;
        }
        String given = secret.strip();
        if (token.isPresent() && same(token.get(), given)) {
            return true;
        }
        for (Access r : Access.values()) {
            if (r.ordinal() >= role.ordinal()
                    && password(r).map(p -> same(p, given)).orElse(false)) {
                return true;
            }
        }
        return false;
    }

    /** Whether {@code bearer} (an {@code Authorization} header's value) carries the token. */
    public boolean bearer(String header) {
        return header != null && token.isPresent() && same("Bearer " + token.get(), header);
    }

    public boolean hasToken() {
        return token.isPresent();
    }

    private Optional<String> password(Access role) {
        Path file = passwordFiles.apply(Role.valueOf(role.name()));
        try {
            if (!Files.isRegularFile(file)) {
                return Optional.empty();
            }
            String p = Files.readString(file, StandardCharsets.UTF_8).strip();
            return p.isEmpty() ? Optional.empty() : Optional.of(p);
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    private static boolean same(String a, String b) {
        return MessageDigest.isEqual(a.getBytes(StandardCharsets.UTF_8), b.getBytes(StandardCharsets.UTF_8));
    }
}
