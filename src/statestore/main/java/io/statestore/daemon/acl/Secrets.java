package io.statestore.daemon.acl;

import io.statestore.client.Role;
import io.statestore.daemon.files.PrivateFiles;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * The roles' passwords, one file each under {@code <dataDir>/secrets/} (directory 0700, files
 * 0600): generated on first need, 256 random bits, never logged or printed. Redis is given only
 * their SHA-256 ({@code #hash} in ACL rules), so neither its ACL file nor ACL LIST holds a password.
 */
public final class Secrets {
    private final Path dir;

    /** @param dir the secrets directory ({@code DaemonConfig.secretsPath()}) */
    public Secrets(Path dir) {
        this.dir = dir;
    }

    public Path file(Role role) {
        return dir.resolve(role.userName() + ".password");
    }

    public boolean exists(Role role) {
        return Files.exists(file(role));
    }

    /** The role's password, created now if it has none. */
    public String password(Role role) throws IOException {
        Path f = file(role);
        PrivateFiles.directory(dir);
        if (Files.exists(f)) {
            PrivateFiles.file(f);
            String p = Files.readString(f, StandardCharsets.UTF_8).strip();
            if (!p.isEmpty()) {
                return p;
            }
        }
        return replace(role);
    }

    /** Gives the role a new password, written atomically; returns it. */
    public String replace(Role role) throws IOException {
        String p = PrivateFiles.randomSecret();
        store(role, p);
        return p;
    }

    /** Writes {@code password} as the role's (atomically: readers see the old one or the new). */
    public void store(Role role, String password) throws IOException {
        PrivateFiles.directory(dir);
        PrivateFiles.write(file(role), password + "\n");
    }

    /** The form Redis keeps: SHA-256 in hex, given as {@code #<hash>} in ACL rules. */
    public static String hash(String password) {
        try {
            return HexFormat.of()
                    .formatHex(MessageDigest.getInstance("SHA-256").digest(password.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
