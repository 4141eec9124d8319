package io.statestore.client.spi;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * Where events go during an outage when nobody named a spool directory (docs/events.md,
 * "The default spool"): the local daemon's spool, {@code <dataDir>/spool} next to its
 * connection file, when that daemon serves the Redis this client publishes to and the caller may
 * write there (the daemon keeps it open and forwards it); otherwise the caller's own
 * {@code $XDG_STATE_HOME/statestore/spool/<server>}, one directory per server so that an event
 * spooled for one server is never forwarded to another.
 *
 * @param directory    the spool directory
 * @param daemonsSpool whether it is the daemon's (which forwards it while it runs)
 */
public record DefaultSpoolDir(Path directory, boolean daemonsSpool) {

    public static DefaultSpoolDir forServer(String redisUri, Map<String, String> env) {
        return daemonsSpool(redisUri, env).orElseGet(() -> new DefaultSpoolDir(ownSpool(redisUri, env), false));
    }

    private static Optional<DefaultSpoolDir> daemonsSpool(String redisUri, Map<String, String> env) {
        for (Path candidate : ConnectionFile.candidates(env)) {
            try {
                if (!Files.isRegularFile(candidate) || !Files.isReadable(candidate)) {
                    continue;
                }
                ConnectionFile c = ConnectionFile.read(candidate);
                Path dir = candidate.toAbsolutePath().getParent().resolve("spool");
                if (sameServer(c.url(), redisUri) && Files.isDirectory(dir) && Files.isWritable(dir)) {
                    return Optional.of(new DefaultSpoolDir(dir, true));
                }
                return Optional.empty(); // the first connection file found is the local daemon, as for credentials
            } catch (RuntimeException unreadable) {
                return Optional.empty();
            }
        }
        return Optional.empty();
    }

    private static Path ownSpool(String redisUri, Map<String, String> env) {
        String state = env.get("XDG_STATE_HOME");
        Path base;
        if (state != null && !state.isBlank() && Path.of(state).isAbsolute()) {
            base = Path.of(state);
        } else {
            String home = env.getOrDefault("HOME", System.getProperty("user.home"));
            base = Path.of(home, ".local", "state");
        }
        return base.resolve("statestore").resolve("spool").resolve(serverName(redisUri));
    }

    /** {@code redis://:pw@127.0.0.1:6379/0} → {@code redis_127.0.0.1_6379_0}: a file name, no secret in it. */
    static String serverName(String redisUri) {
        String s = normalized(redisUri).replaceFirst("://", "_");
        return s.replaceAll("[^A-Za-z0-9._-]", "_");
    }

    static boolean sameServer(String a, String b) {
        return a != null && b != null && normalized(a).equals(normalized(b));
    }

    /** Without user and password, a trailing slash or database 0: the same server written two ways. */
    private static String normalized(String uri) {
        String s = uri.strip().replaceFirst("://[^@/]*@", "://").toLowerCase(Locale.ROOT);
        s = s.replaceFirst("/0?$", "");
        return s.replace("://localhost:", "://127.0.0.1:");
    }
}
