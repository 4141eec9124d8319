package io.statestore.daemon.files;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;

/**
 * The daemon's files are its own: directories 0700 and files 0600, whatever the umask of the
 * shell that started it (outside systemd it is often 022, which made the state, the AOF and the
 * backups readable by every user of the machine). On a file system without POSIX permissions
 * nothing is changed.
 */
public final class PrivateFiles {
    private PrivateFiles() {
    }

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

    private static void restrict(Path path, String mode) throws IOException {
        try {
            Files.setPosixFilePermissions(path, PosixFilePermissions.fromString(mode));
        } catch (UnsupportedOperationException notPosix) {
            // no permissions to set on this file system
        }
    }
}
