package io.statestore.daemon.status;

import io.statestore.daemon.files.PrivateFiles;
import java.io.IOException;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * The bearer token the HTTP endpoints require when they listen beyond loopback (issue 15): 256
 * random bits, generated on first need into a 0600 file of the daemon's data directory and never
 * logged. On loopback no token is asked: whoever can reach it is on the machine.
 */
public final class HttpToken {
    public static final String FILE = "http-token";

    private HttpToken() {}

    /** The token for endpoints bound to {@code bind}: empty on a loopback address. */
    public static Optional<String> forBind(String bind, Path dataDir) throws IOException {
        if (InetAddress.getByName(bind).isLoopbackAddress()) {
            return Optional.empty();
        }
        return Optional.of(loadOrCreate(dataDir.resolve(FILE)));
    }

    /**
     * The token on any address: beyond loopback it guards every endpoint; on loopback it is one
     * more credential of the dashboard's login (the admin role's), so that a daemon without ACL
     * roles still has one.
     */
    public static String always(Path dataDir) throws IOException {
        return loadOrCreate(dataDir.resolve(FILE));
    }

    static String loadOrCreate(Path file) throws IOException {
        PrivateFiles.directory(file.getParent());
        if (Files.exists(file)) {
            PrivateFiles.file(file);
            return Files.readString(file, StandardCharsets.UTF_8).strip();
        }
        String token = PrivateFiles.randomSecret();
        PrivateFiles.write(file, token + "\n");
        return token;
    }
}
