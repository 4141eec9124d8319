package io.statestore.daemon.files;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.HexFormat;

/**
 * The daemon's files are its own: directories 0700 and files 0600, whatever the umask of the
 * shell that started it (outside systemd it is often 022, which made the state, the AOF and the
 * backups readable by every user of the machine). On a file system without POSIX permissions
 * nothing is changed.
 */
public final class PrivateFiles {
    private static final SecureRandom RANDOM = new SecureRandom();

    private PrivateFiles() {}

    /** Creates the directory (and missing parents) and makes it 0700. */
    public static Path directory(Path dir) throws IOException {
        Files.createDirectories(dir);
        restrict(dir, "rwx------");
        return dir;
    }

    /** Makes an existing file 0600. */
    public static void file(Path file) throws IOException {
        restrict(file, "rw-------");
    }

    /**
     * Writes {@code text} to {@code file} owner-only from the first byte, then moves it into
     * place: a reader sees the old content or the new, never a part, and never a moment at 0644.
     */
    public static void write(Path file, String text) throws IOException {
        directory(file.getParent());
        Path tmp = Files.createTempFile(
                file.getParent(),
                "." + file.getFileName(),
                ".tmp",
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        try {
            Files.writeString(tmp, text, StandardCharsets.UTF_8);
            Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE);
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    /** 256 random bits as 64 hex digits: a password or token nobody can guess. */
    public static String randomSecret() {
        byte[] random = new byte[32];
        RANDOM.nextBytes(random);
        return HexFormat.of().formatHex(random);
    }

    private static void restrict(Path path, String mode) throws IOException {
        try {
            Files.setPosixFilePermissions(path, PosixFilePermissions.fromString(mode));
        } catch (UnsupportedOperationException notPosix) {
            // no permissions to set on this file system
        }
    }
}
