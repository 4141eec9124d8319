package io.statestore.daemon.web;

import com.fasterxml.jackson.databind.JsonNode;
import io.javalin.Javalin;
import io.javalin.http.Context;
import io.javalin.http.staticfiles.Location;
import io.statestore.daemon.status.Metrics;
import java.net.BindException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;
import org.eclipse.jetty.util.thread.QueuedThreadPool;

/**
 * The daemon's HTTP server (Javalin on Jetty): {@code /health}, {@code /metrics}, the dashboard's
 * pages from the jar, its login, the {@link WebRoutes} groups under {@code /api}, and the live
 * change feed's WebSocket. Access model in docs/dashboard.md.
 */
public final class WebServer implements AutoCloseable {
    /** Threads serving requests: the dashboard is for a few operators, not a crowd. */
    private static final int MAX_THREADS = 16;

    private final Javalin app;
    private final Gate gate;
    private final Sessions sessions;
    private final Credentials credentials;
    private final JsonReplies replies = new JsonReplies();
    private final boolean loopback;
    private final ApiRegistry api;
    private final Optional<LiveFeed> live;

    /** What the server serves; {@code problems} is what is wrong with the daemon, one sentence each. */
    public record Setup(
            String bind,
            int port,
            Supplier<List<String>> problems,
            Metrics metrics,
            Credentials credentials,
            List<WebRoutes> routes,
            Optional<LiveFeed> live) {}

    public WebServer(Setup setup) throws BindException {
        this.loopback = isLoopback(setup.bind());
        this.credentials = setup.credentials();
        if (!loopback && !credentials.hasToken()) {
            throw new IllegalStateException(
                    "the HTTP server would listen on " + setup.bind() + ", beyond loopback, without"
                            + " a token or TLS: anyone who reaches the port would see the state; bind it to 127.0.0.1 (http.bind)"
                            + " or let the daemon create its token (<dataDir>/http-token)");
        }
        this.sessions = new Sessions(java.time.Clock.systemUTC());
        this.gate = new Gate(sessions, credentials);
        this.live = setup.live();
        QueuedThreadPool threads = new QueuedThreadPool(MAX_THREADS, 2, 60_000);
        threads.setName("http");
        threads.setDaemon(true);
        app = Javalin.create(config -> {
            config.showJavalinBanner = false;
            config.jetty.threadPool = threads;
            config.staticFiles.add(files -> {
                files.hostedPath = "/";
                files.directory = "/io/statestore/web/static";
                files.location = Location.CLASSPATH;
                files.headers = securityHeaders();
            });
            config.staticFiles.enableWebjars();
        });
        app.exception(Exception.class, (e, ctx) -> replies.failure(ctx, e));
        app.before(ctx -> securityHeaders().forEach(ctx::header));
        app.get("/health", ctx -> health(ctx, setup.problems()));
        app.get("/metrics", ctx -> {
            if (statusAllowed(ctx)) {
                ctx.contentType("text/plain; version=0.0.4; charset=utf-8")
                        .result(setup.metrics().render());
            }
        });
        app.post("/login", this::login);
        app.post("/logout", ctx -> {
            gate.require(ctx, Access.READER);
            gate.session(ctx).ifPresent(s -> sessions.close(s.id()));
            ctx.header("Set-Cookie", cookie("", 0));
            replies.ok(ctx, Map.of("loggedOut", true));
        });
        // the role alone, as the Events/Tasks/Daemon pages ask for it (docs/dashboard-ops.md)
        app.get("/api/me", ctx -> {
            Access caller = gate.require(ctx, Access.READER);
            replies.ok(ctx, Map.of("access", caller.name(), "role", Gate.name(caller)));
        });
        api = new ApiRegistry(app, gate, replies);
        // the CSRF token reaches a page only through this GET, which another site's script cannot read
        app.get("/api/session", ctx -> {
            Access caller = gate.require(ctx, Access.READER);
            replies.ok(
                    ctx,
                    Map.of(
                            "role",
                            Gate.name(caller),
                            "csrf",
                            gate.session(ctx).map(Sessions.Session::csrf).orElse("")));
        });
        for (WebRoutes group : setup.routes()) {
            group.register(api);
        }
        live.ifPresent(l -> l.mount(app, gate));
        app.error(404, ctx -> {
            if (ctx.path().startsWith("/api/") && ctx.attribute(JsonReplies.ANSWERED) == null) {
                replies.error(ctx, 404, "no dashboard endpoint " + ctx.method() + " " + ctx.path());
            }
        });
        start(setup.bind(), setup.port());
    }

    private void start(String bind, int port) throws BindException {
        try {
            app.start(bind, port);
        } catch (RuntimeException e) {
            Throwable cause = e;
            while (cause != null && !(cause instanceof BindException)) {
                cause = cause.getCause();
            }
            if (cause == null
                    && !String.valueOf(e.getMessage()).toLowerCase(Locale.ROOT).contains("port")) {
                throw e;
            }
            app.stop();
            String why = cause == null || String.valueOf(cause.getMessage()).contains("in use")
                    ? "the port is in use" + " (another statestore daemon, or another program?)"
                    : "it cannot listen there (" + cause.getMessage() + ")";
            // "Address already in use" alone does not say which address, nor that it is the HTTP endpoint's
            throw new BindException(
                    "the HTTP endpoint cannot listen on " + bind + ":" + port + ": " + why
                            + "; choose another http.port in the config file (or STATESTORE_HTTP__PORT), or stop what holds it");
        }
    }

    private void health(Context ctx, Supplier<List<String>> problems) {
        if (statusAllowed(ctx)) {
            List<String> wrong = problems.get();
            ctx.status(wrong.isEmpty() ? 200 : 503)
                    .contentType("text/plain; charset=utf-8")
                    .result(wrong.isEmpty() ? "ok\n" : String.join("\n", wrong) + "\n");
        }
    }

    /** On loopback /health and /metrics are open (whoever reaches them is on the machine); beyond, they need the token. */
    private boolean statusAllowed(Context ctx) {
        if (loopback || credentials.bearer(ctx.header("Authorization"))) {
            return true;
        }
        ctx.header("WWW-Authenticate", "Bearer")
                .status(401)
                .contentType("text/plain; charset=utf-8")
                .result("a bearer token is required: Authorization: Bearer <the daemon's http-token file>\n");
        return false;
    }

    private void login(Context ctx) throws Exception {
        if (!loopback) {
            throw new WebError(
                    403,
                    "the login page works on loopback only (a password would cross the network in"
                            + " clear); beyond loopback send Authorization: Bearer <the daemon's http-token file>");
        }
        // a cross-site form cannot send JSON without the browser asking us first (CORS), which we never allow
        String type = String.valueOf(ctx.contentType());
        if (!type.startsWith("application/json")) {
            throw new WebError(
                    415, "log in with a JSON body {\"role\": ..., \"password\": ...} (Content-Type: application/json)");
        }
        JsonNode body = replies.parseBody(ctx.body());
        Access role = role(body.path("role").asText(""));
        if (!credentials.accepts(role, body.path("password").asText(""))) {
            throw new WebError(
                    401,
                    "wrong password for the " + Gate.name(role) + " role: give the content of" + " <dataDir>/secrets/"
                            + Gate.name(role) + ".password, or of <dataDir>/http-token");
        }
        Sessions.Session s = sessions.open(role);
        ctx.header("Set-Cookie", cookie(s.id(), (int) Sessions.IDLE.toSeconds()));
        replies.ok(ctx, Map.of("role", Gate.name(role), "csrf", s.csrf()));
    }

    private static Access role(String name) {
        try {
            return Access.valueOf(name.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new WebError(400, "unknown role \"" + name + "\": expected reader, writer or admin");
        }
    }

    /** SameSite=Strict: the browser sends the cookie with no request another site starts. */
    private static String cookie(String value, int maxAgeSeconds) {
        return Sessions.COOKIE + "=" + value + "; Path=/; Max-Age=" + maxAgeSeconds + "; HttpOnly; SameSite=Strict";
    }

    private static Map<String, String> securityHeaders() {
        return Map.of(
                "X-Content-Type-Options",
                "nosniff",
                "X-Frame-Options",
                "DENY",
                "Referrer-Policy",
                "no-referrer",
                "Content-Security-Policy",
                "default-src 'self'; style-src 'self' 'unsafe-inline'; frame-ancestors 'none'");
    }

    private static boolean isLoopback(String bind) {
        try {
            return InetAddress.getByName(bind).isLoopbackAddress();
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException(
                    "http.bind \"" + bind + "\" is not an address this machine knows: " + e.getMessage());
        }
    }

    public int port() {
        return app.port();
    }

    /** The mounted API endpoints: method, path, role. */
    public List<String> apiRoutes() {
        return api.routes().stream()
                .map(r -> r.method() + " " + r.path() + " " + Gate.name(r.access()))
                .toList();
    }

    public Optional<LiveFeed> live() {
        return live;
    }

    @Override
    public void close() {
        live.ifPresent(LiveFeed::close);
        app.stop();
    }
}
