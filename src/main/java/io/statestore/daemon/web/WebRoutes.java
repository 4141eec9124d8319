package io.statestore.daemon.web;

/**
 * A group of dashboard endpoints. The HTTP server calls {@link #register} once at start and
 * mounts each path under {@code /api}, checking the caller's role before the handler runs.
 */
public interface WebRoutes {
    void register(Registry registry);

    /** Where a group declares its endpoints; paths use Javalin-style {@code {param}}s. */
    interface Registry {
        void get(String path, Access access, WebHandler handler);

        void post(String path, Access access, WebHandler handler);
    }
}
