package io.statestore.testing;

import org.testcontainers.DockerClientFactory;
import org.testcontainers.containers.GenericContainer;
import org.testcontainers.utility.DockerImageName;

/** Redis 8 (JSON built in) in a container, for module-mode tests where Docker exists. */
final class DockerRedis implements AutoCloseable {
    static final String IMAGE = "redis:8.2.2";

    private final GenericContainer<?> container;

    private DockerRedis(GenericContainer<?> container) {
        this.container = container;
    }

    static boolean available() {
        try {
            return DockerClientFactory.instance().isDockerAvailable();
        } catch (Throwable e) {
            return false;
        }
    }

    static DockerRedis start() {
        GenericContainer<?> c = new GenericContainer<>(DockerImageName.parse(IMAGE)).withExposedPorts(6379);
        c.start();
        return new DockerRedis(c);
    }

    String host() {
        return container.getHost();
    }

    int port() {
        return container.getMappedPort(6379);
    }

    @Override
    public void close() {
        container.stop();
    }
}
