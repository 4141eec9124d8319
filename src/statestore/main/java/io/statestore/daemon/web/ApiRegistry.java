package io.statestore.daemon.web;

import io.javalin.Javalin;
import io.javalin.http.Context;
import io.javalin.http.HandlerType;
import java.util.ArrayList;
import java.util.List;

/**
 * Mounts the {@link WebRoutes} groups under {@code /api}: each handler runs only after the caller
 * is authenticated ({@link Gate}) with at least the route's role, and its return value becomes
 * the JSON body.
 */
final class ApiRegistry implements WebRoutes.Registry {
    /** One mounted endpoint, for the list the dashboard docs and tests check. */
    record Route(String method, String path, Access access) {}

    private final Javalin app;
    private final Gate gate;
    private final JsonReplies replies;
    private final List<Route> routes = new ArrayList<>();

    ApiRegistry(Javalin app, Gate gate, JsonReplies replies) {
        this.app = app;
        this.gate = gate;
        this.replies = replies;
    }

    @Override
    public void get(String path, Access access, WebHandler handler) {
        mount(HandlerType.GET, path, access, handler);
    }

    @Override
    public void post(String path, Access access, WebHandler handler) {
        mount(HandlerType.POST, path, access, handler);
    }

    private void mount(HandlerType method, String path, Access access, WebHandler handler) {
        if (!path.startsWith("/")) {
            throw new IllegalArgumentException("a dashboard route's path must start with /: " + path);
        }
        routes.add(new Route(method.name(), "/api" + path, access));
        app.addHttpHandler(method, "/api" + path, ctx -> run(ctx, access, handler));
    }

    private void run(Context ctx, Access needed, WebHandler handler) throws Exception {
        Access caller = gate.require(ctx, needed);
        replies.ok(ctx, handler.handle(new JavalinWebRequest(ctx, caller, replies)));
    }

    List<Route> routes() {
        return List.copyOf(routes);
    }
}
