package io.statestore.daemon.status;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.function.Supplier;

/**
 * Optional HTTP listener: {@code /health} (200 "ok", or 503 with one line per problem) and
 * {@code /metrics} (Prometheus text). With a
 * token (the endpoints listen beyond loopback: {@link HttpToken}) every request must carry
 * {@code Authorization: Bearer <token>}, else 401.
 */
public final class HttpEndpoint implements AutoCloseable {
    private final HttpServer server;
    private final Optional<byte[]> token;

    public HttpEndpoint(String bind, int port, Supplier<List<String>> problems, Metrics metrics) throws IOException {
        this(bind, port, problems, metrics, Optional.empty());
    }

    // "Address already in use" alone does not say which address, nor that it is the HTTP endpoint's
    private static HttpServer listen(String bind, int port) throws IOException {
        try {
            return HttpServer.create(new InetSocketAddress(bind, port), 16);
        } catch (java.net.BindException e) {
            String why = String.valueOf(e.getMessage()).contains("in use") ? "the port is in use (another statestore"
                    + " daemon, or another program?)" : "it cannot listen there (" + e.getMessage() + ")";
            throw new java.net.BindException("the HTTP endpoint cannot listen on " + bind + ":" + port + ": " + why
                    + "; choose another http.port in the config file (or STATESTORE_HTTP__PORT), or stop what holds it");
        }
    }

    /** {@code problems}: what is wrong, one sentence each; empty when healthy. */
    public HttpEndpoint(String bind, int port, Supplier<List<String>> problems, Metrics metrics, Optional<String> token)
            throws IOException {
        this.token = token.map(t -> ("Bearer " + t).getBytes(StandardCharsets.UTF_8));
        server = listen(bind, port);
        server.setExecutor(Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "http");
            t.setDaemon(true);
            return t;
        }));
        server.createContext("/health", ex -> {
            if (authorized(ex)) {
                List<String> wrong = problems.get();
                respond(ex, wrong.isEmpty() ? 200 : 503, wrong.isEmpty() ? "ok\n" : String.join("\n", wrong) + "\n", "text/plain");
            }
        });
        server.createContext("/metrics", ex -> {
            if (authorized(ex)) {
                respond(ex, 200, metrics.render(), "text/plain; version=0.0.4");
            }
        });
        server.start();
    }

    /** Whether the request may be answered; if not, it has been answered with 401. */
    private boolean authorized(HttpExchange ex) throws IOException {
        if (token.isEmpty()) {
            return true;
        }
        String given = ex.getRequestHeaders().getFirst("Authorization");
        // compared in constant time: the token is the only secret between a caller and the figures
        if (given != null && MessageDigest.isEqual(token.get(), given.getBytes(StandardCharsets.UTF_8))) {
            return true;
        }
        ex.getResponseHeaders().set("WWW-Authenticate", "Bearer");
        respond(ex, 401, "a bearer token is required: Authorization: Bearer <the daemon's http-token file>\n",
                "text/plain");
        return false;
    }

    public int port() {
        return server.getAddress().getPort();
    }

    private static void respond(HttpExchange ex, int code, String body, String type) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        ex.getResponseHeaders().set("Content-Type", type + "; charset=utf-8");
        ex.sendResponseHeaders(code, bytes.length);
        try (OutputStream out = ex.getResponseBody()) {
            out.write(bytes);
        }
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
