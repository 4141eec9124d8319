package io.statestore.daemon.redis;

import java.io.IOException;

/** Something that is not this data directory's redis-server listens on the embedded port. */
public final class PortTakenException extends IOException {
    private final int port;

    public PortTakenException(int port) {
        super("port " + port + " is taken by another process (not this data directory's redis-server);"
                + " stop it or set embedded.port");
        this.port = port;
    }

    public int port() {
        return port;
    }
}
