package io.statestore.testing;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Loopback ports for servers a test starts later (a redis-server, a daemon JVM's embedded
 * server, seconds later): free now, and outside the kernel's ephemeral range.
 *
 * <p>Why not {@code new ServerSocket(0)}: that port comes from the ephemeral range, the same
 * range every outgoing connection's local port comes from, and every other JVM on the machine
 * (helpers run suites side by side) picks from it the same way. Between the pick and the
 * server's bind, a connection or another test could take it, and the server then fails to
 * bind, or (worse) a PING reaches someone else's server. Below the ephemeral range only
 * another explicit bind can take it, and a random pick makes two tests meeting on one port
 * unlikely.
 */
public final class FreePorts {
    private static final int LOWEST = 10_000;
    private static final int EPHEMERAL_FALLBACK = 32_768;

    private FreePorts() {}

    /** A port that is free now, below the ephemeral range. */
    public static int pick() throws IOException {
        int below = ephemeralLow();
        for (int attempt = 0; attempt < 200; attempt++) {
            int port = ThreadLocalRandom.current().nextInt(LOWEST, below);
            if (bindable(port)) {
                return port;
            }
        }
        throw new IOException("no free loopback port found between " + LOWEST + " and " + below);
    }

    /** The first port of the ephemeral range (Linux), or the usual default where it cannot be read. */
    static int ephemeralLow() {
        try {
            String range = Files.readString(Path.of("/proc/sys/net/ipv4/ip_local_port_range"))
                    .strip();
            int low = Integer.parseInt(range.split("\\s+")[0]);
            return low > LOWEST + 1_000 ? low : EPHEMERAL_FALLBACK;
        } catch (IOException | RuntimeException unreadable) {
            return EPHEMERAL_FALLBACK;
        }
    }

    private static boolean bindable(int port) {
        try (ServerSocket s = new ServerSocket(port, 1, InetAddress.getLoopbackAddress())) {
            return true;
        } catch (IOException taken) {
            return false;
        }
    }
}
