package io.statestore.daemon.web.ops;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.statestore.daemon.web.Access;
import io.statestore.daemon.web.WebError;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/**
 * Serves the ops pages to a test browser: the static files from the jar's resources, a stub
 * {@code /app.js} (dash-core's server is built in another branch), {@code /api/me} with the role
 * the test chose, and {@code /api/...} through a {@link RouteTable}, refusing a role below the
 * route's as the real server does. A test harness only: the product's server is Javalin.
 */
public final class PageServer implements AutoCloseable {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final HttpServer http;
    private final RouteTable routes;
    private volatile Access role = Access.ADMIN;

    public PageServer(RouteTable routes) throws IOException {
        this.routes = routes;
        this.http = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        http.createContext("/", this::serve);
        http.start();
    }

    public void as(Access role) {
        this.role = role;
    }

    public String url(String page) {
        return "http://127.0.0.1:" + http.getAddress().getPort() + "/" + page;
    }

    private void serve(HttpExchange ex) throws IOException {
        String path = ex.getRequestURI().getRawPath();
        try {
            if (path.equals("/app.js")) {
                send(ex, 200, "text/javascript", resource("/io/statestore/daemon/web/ops/stub-app.js"));
            } else if (path.equals("/api/me")) {
                send(ex, 200, "application/json", JSON.writeValueAsBytes(Map.of("access", role.name())));
            } else if (path.startsWith("/api/")) {
                api(ex, path.substring("/api".length()));
            } else {
                byte[] file = path.equals("/app.css") ? new byte[0] : resource("/io/statestore/web/static" + path);
                send(
                        ex,
                        file == null ? 404 : 200,
                        path.endsWith(".js") ? "text/javascript" : "text/html; charset=utf-8",
                        file == null ? new byte[0] : file);
            }
        } catch (WebError e) {
            send(ex, e.status(), "application/json", JSON.writeValueAsBytes(Map.of("error", e.getMessage())));
        } catch (Exception e) {
            send(ex, 500, "application/json", JSON.writeValueAsBytes(Map.of("error", String.valueOf(e))));
        }
    }

    private void api(HttpExchange ex, String path) throws Exception {
        TestRequest request = TestRequest.get().as(role);
        String query = ex.getRequestURI().getRawQuery();
        if (query != null) {
            for (String pair : query.split("&")) {
                String[] kv = pair.split("=", 2);
                request.query(
                        URLDecoder.decode(kv[0], StandardCharsets.UTF_8),
                        kv.length > 1 ? URLDecoder.decode(kv[1], StandardCharsets.UTF_8) : "");
            }
        }
        byte[] body = ex.getRequestBody().readAllBytes();
        if (body.length > 0) {
            request.body(new String(body, StandardCharsets.UTF_8));
        }
        String route = routes.match(ex.getRequestMethod(), path, request);
        if (route == null) {
            throw new WebError(404, "no endpoint " + ex.getRequestMethod() + " /api" + path);
        }
        if (routes.access(route).ordinal() > role.ordinal()) {
            throw new WebError(403, route + " needs the " + routes.access(route) + " role");
        }
        send(ex, 200, "application/json", JSON.writeValueAsBytes(routes.call(route, request)));
    }

    private static byte[] resource(String name) throws IOException {
        try (InputStream in = PageServer.class.getResourceAsStream(name)) {
            return in == null ? null : in.readAllBytes();
        }
    }

    private static void send(HttpExchange ex, int status, String type, byte[] body) throws IOException {
        ex.getResponseHeaders().set("Content-Type", type);
        ex.sendResponseHeaders(status, body.length == 0 ? -1 : body.length);
        if (body.length > 0) {
            ex.getResponseBody().write(body);
        }
        ex.close();
    }

    @Override
    public void close() {
        http.stop(0);
    }
}
