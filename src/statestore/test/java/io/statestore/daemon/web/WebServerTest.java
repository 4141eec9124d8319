package io.statestore.daemon.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.statestore.daemon.status.Metrics;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The HTTP server on its own (no Redis): /health and /metrics, login and sessions, the role and
 * CSRF checks in front of every WebRoutes endpoint, and WebError as {"error": ...}.
 */
class WebServerTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    static Path dir;

    static WebServer server;
    static Metrics metrics;
    static final HttpClient HTTP = HttpClient.newHttpClient();

    /** A group as another helper would write one: an echo for each role and a handler that rejects its input. */
    static final class Probe implements WebRoutes {
        @Override
        public void register(Registry registry) {
            registry.get(
                    "/probe/read/{name}",
                    Access.READER,
                    r -> Map.of(
                            "name",
                            r.pathParam("name"),
                            "q",
                            r.query("q").orElse(""),
                            "as",
                            r.access().name()));
            registry.post("/probe/write", Access.WRITER, r -> Map.of("got", r.body()));
            registry.post("/probe/admin", Access.ADMIN, r -> Map.of("ok", true));
            registry.get("/probe/bad", Access.READER, r -> {
                throw new WebError(422, "the probe's input is wrong: n must be positive");
            });
        }
    }

    @BeforeAll
    static void start() throws Exception {
        Path secrets = Files.createDirectories(dir.resolve("secrets"));
        for (String role : List.of("reader", "writer", "admin")) {
            Files.writeString(secrets.resolve(role + ".password"), role + "-secret\n");
        }
        metrics = new Metrics();
        metrics.increment("statestore_job_runs_total", Metrics.labels("job", "sweep"), 3);
        metrics.gauge("statestore_feed_length", "Entries in the change feed", () -> 42);
        Credentials credentials =
                new Credentials(r -> secrets.resolve(r.userName() + ".password"), Optional.of("the-token"));
        server = new WebServer(new WebServer.Setup(
                "127.0.0.1", 0, () -> List.of(), metrics, credentials, List.of(new Probe()), Optional.empty()));
    }

    @AfterAll
    static void stop() {
        server.close();
        metrics.close();
    }

    static String url(String path) {
        return "http://127.0.0.1:" + server.port() + path;
    }

    static HttpResponse<String> get(String path, String... headers) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url(path)));
        if (headers.length > 0) {
            b.headers(headers);
        }
        return HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    static HttpResponse<String> post(String path, String body, String... headers) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url(path)))
                .POST(HttpRequest.BodyPublishers.ofString(body))
                .header("Content-Type", "application/json");
        if (headers.length > 0) {
            b.headers(headers);
        }
        return HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    /** A logged-in browser: its cookie and CSRF token. */
    record Login(String cookie, String csrf) {
        String[] cookieHeader() {
            return new String[] {"Cookie", cookie};
        }
    }

    static Login login(String role, String password) throws Exception {
        HttpResponse<String> r = post("/login", JSON.writeValueAsString(Map.of("role", role, "password", password)));
        assertEquals(200, r.statusCode(), r.body());
        String setCookie = r.headers().firstValue("Set-Cookie").orElseThrow();
        assertTrue(setCookie.contains("HttpOnly") && setCookie.contains("SameSite=Strict"), setCookie);
        String cookie = setCookie.substring(0, setCookie.indexOf(';'));
        HttpResponse<String> s = get("/api/session", "Cookie", cookie);
        assertEquals(200, s.statusCode(), s.body());
        JsonNode session = JSON.readTree(s.body());
        assertEquals(role, session.get("role").asText());
        assertEquals(
                JSON.readTree(r.body()).get("csrf").asText(),
                session.get("csrf").asText());
        return new Login(cookie, session.get("csrf").asText());
    }

    static String error(HttpResponse<String> r) throws Exception {
        return JSON.readTree(r.body()).get("error").asText();
    }

    @Test
    void healthAndMetricsStayOpenOnLoopbackAndMetricsComeFromMicrometer() throws Exception {
        HttpResponse<String> health = get("/health");
        assertEquals(200, health.statusCode());
        assertEquals("ok\n", health.body());
        HttpResponse<String> m = get("/metrics");
        assertEquals(200, m.statusCode());
        assertTrue(
                m.headers().firstValue("Content-Type").orElse("").startsWith("text/plain"),
                m.headers().toString());
        assertTrue(m.body().contains("statestore_job_runs_total{job=\"sweep\"} 3"), m.body());
        assertTrue(m.body().contains("statestore_feed_length 42"), m.body());
        assertTrue(m.body().contains("jvm_memory_used_bytes"), "JVM meters: " + m.body());
    }

    @Test
    void withoutALoginTheApiAnswers401InOurWords() throws Exception {
        HttpResponse<String> r = get("/api/probe/read/x");
        assertEquals(401, r.statusCode());
        assertTrue(error(r).contains("not logged in"), r.body());
        assertEquals(
                401,
                get("/api/probe/read/x", "Cookie", Sessions.COOKIE + "=forged").statusCode());
    }

    @Test
    void aWrongPasswordIsRefusedAndNamesTheFileToRead() throws Exception {
        HttpResponse<String> r = post("/login", "{\"role\":\"writer\",\"password\":\"reader-secret\"}");
        assertEquals(401, r.statusCode());
        assertTrue(error(r).contains("secrets/writer.password"), r.body());
        assertFalse(r.body().contains("writer-secret"));
        assertEquals(
                400, post("/login", "{\"role\":\"root\",\"password\":\"x\"}").statusCode());
        assertEquals(400, post("/login", "not json").statusCode());
        HttpResponse<String> form = HTTP.send(
                HttpRequest.newBuilder(URI.create(url("/login")))
                        .POST(HttpRequest.BodyPublishers.ofString("role=reader&password=reader-secret"))
                        .header("Content-Type", "application/x-www-form-urlencoded")
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(415, form.statusCode(), "a cross-site form cannot log a browser in");
    }

    @Test
    void aReaderViewsButMayNotChange() throws Exception {
        Login reader = login("reader", "reader-secret");
        HttpResponse<String> r = get("/api/probe/read/abc?q=1", reader.cookieHeader());
        assertEquals(200, r.statusCode(), r.body());
        assertEquals(JSON.readTree("{\"name\":\"abc\",\"q\":\"1\",\"as\":\"READER\"}"), JSON.readTree(r.body()));
        assertEquals(
                JSON.readTree("{\"access\":\"READER\",\"role\":\"reader\"}"),
                JSON.readTree(get("/api/me", reader.cookieHeader()).body()));
        HttpResponse<String> w =
                post("/api/probe/write", "{}", "Cookie", reader.cookie(), Gate.CSRF_HEADER, reader.csrf());
        assertEquals(403, w.statusCode());
        assertTrue(error(w).contains("needs the writer role; you are logged in as reader"), w.body());
    }

    @Test
    void aWritersPostNeedsTheCsrfToken() throws Exception {
        Login writer = login("writer", "writer-secret");
        HttpResponse<String> forged = post("/api/probe/write", "{\"a\":1}", writer.cookieHeader());
        assertEquals(403, forged.statusCode());
        assertTrue(error(forged).contains("CSRF"), forged.body());
        HttpResponse<String> wrong =
                post("/api/probe/write", "{\"a\":1}", "Cookie", writer.cookie(), Gate.CSRF_HEADER, "guess");
        assertEquals(403, wrong.statusCode());
        HttpResponse<String> ok =
                post("/api/probe/write", "{\"a\":1}", "Cookie", writer.cookie(), Gate.CSRF_HEADER, writer.csrf());
        assertEquals(200, ok.statusCode(), ok.body());
        assertEquals(1, JSON.readTree(ok.body()).at("/got/a").asInt());
        HttpResponse<String> admin =
                post("/api/probe/admin", "{}", "Cookie", writer.cookie(), Gate.CSRF_HEADER, writer.csrf());
        assertEquals(403, admin.statusCode());
        HttpResponse<String> badBody =
                post("/api/probe/write", "{oops", "Cookie", writer.cookie(), Gate.CSRF_HEADER, writer.csrf());
        assertEquals(400, badBody.statusCode());
        assertTrue(error(badBody).contains("not valid JSON"), badBody.body());
    }

    @Test
    void anAdminPasswordOrTheTokenProveEveryRole() throws Exception {
        Login admin = login("admin", "admin-secret");
        assertEquals(
                200,
                post("/api/probe/admin", "{}", "Cookie", admin.cookie(), Gate.CSRF_HEADER, admin.csrf())
                        .statusCode());
        login("writer", "admin-secret");
        login("reader", "the-token");
        // a script with the token needs no cookie and no CSRF token: nothing sends it on its own
        assertEquals(
                200,
                post("/api/probe/admin", "{}", "Authorization", "Bearer the-token")
                        .statusCode());
        assertEquals(
                401,
                post("/api/probe/admin", "{}", "Authorization", "Bearer wrong").statusCode());
    }

    @Test
    void logoutEndsTheSession() throws Exception {
        Login reader = login("reader", "reader-secret");
        assertEquals(403, post("/logout", "", reader.cookieHeader()).statusCode(), "logout is a POST like any other");
        assertEquals(
                200,
                post("/logout", "", "Cookie", reader.cookie(), Gate.CSRF_HEADER, reader.csrf())
                        .statusCode());
        assertEquals(401, get("/api/probe/read/x", reader.cookieHeader()).statusCode());
    }

    @Test
    void aHandlersWebErrorBecomesItsStatusAndErrorText() throws Exception {
        Login reader = login("reader", "reader-secret");
        HttpResponse<String> r = get("/api/probe/bad", reader.cookieHeader());
        assertEquals(422, r.statusCode());
        assertEquals("the probe's input is wrong: n must be positive", error(r));
        HttpResponse<String> none = get("/api/nothing-here", reader.cookieHeader());
        assertEquals(404, none.statusCode());
        assertTrue(error(none).contains("/api/nothing-here"), none.body());
    }

    @Test
    void pagesAreServedFromTheJarWithNoSecretInThem() throws Exception {
        for (String page : List.of(
                "/",
                "/login.html",
                "/live.html",
                "/series.html",
                "/app.js",
                "/app.css",
                "/documents.js",
                "/live.js",
                "/series.js",
                "/webjars/uplot/1.6.30/dist/uPlot.iife.min.js")) {
            HttpResponse<String> r = get(page);
            assertEquals(200, r.statusCode(), page);
            for (String secret : List.of("reader-secret", "writer-secret", "admin-secret", "the-token")) {
                assertFalse(r.body().contains(secret), page + " holds a secret");
            }
        }
        HttpResponse<String> index = get("/");
        assertTrue(
                index.body().contains("<nav id=\"nav\"></nav>") && index.body().contains("/app.js"), index.body());
        assertEquals("DENY", index.headers().firstValue("X-Frame-Options").orElse(""));
    }

    @Test
    void beyondLoopbackWithoutATokenTheServerRefusesToStart() {
        Credentials none = new Credentials(r -> dir.resolve("absent"), Optional.empty());
        IllegalStateException e = assertThrows(
                IllegalStateException.class,
                () -> new WebServer(
                        new WebServer.Setup("0.0.0.0", 0, List::of, metrics, none, List.of(), Optional.empty())));
        assertTrue(e.getMessage().contains("beyond loopback, without a token or TLS"), e.getMessage());
    }

    @Test
    void beyondLoopbackEveryRequestNeedsTheTokenAndTheLoginPageIsOff() throws Exception {
        Credentials token =
                new Credentials(r -> dir.resolve("secrets").resolve(r.userName() + ".password"), Optional.of("t2"));
        try (WebServer wide = new WebServer(
                new WebServer.Setup("0.0.0.0", 0, List::of, metrics, token, List.of(new Probe()), Optional.empty()))) {
            String base = "http://127.0.0.1:" + wide.port();
            assertEquals(
                    401,
                    HTTP.send(
                                    HttpRequest.newBuilder(URI.create(base + "/health"))
                                            .build(),
                                    HttpResponse.BodyHandlers.ofString())
                            .statusCode());
            assertEquals(
                    200,
                    HTTP.send(
                                    HttpRequest.newBuilder(URI.create(base + "/metrics"))
                                            .header("Authorization", "Bearer t2")
                                            .build(),
                                    HttpResponse.BodyHandlers.ofString())
                            .statusCode());
            HttpResponse<String> login = HTTP.send(
                    HttpRequest.newBuilder(URI.create(base + "/login"))
                            .POST(HttpRequest.BodyPublishers.ofString(
                                    "{\"role\":\"reader\",\"password\":\"reader-secret\"}"))
                            .header("Content-Type", "application/json")
                            .build(),
                    HttpResponse.BodyHandlers.ofString());
            assertEquals(403, login.statusCode());
            assertTrue(login.body().contains("loopback only"), login.body());
        }
    }

    @Test
    void aTakenPortIsNamedInOurWords() {
        java.net.BindException e = assertThrows(
                java.net.BindException.class,
                () -> new WebServer(new WebServer.Setup(
                        "127.0.0.1",
                        server.port(),
                        List::of,
                        metrics,
                        new Credentials(r -> dir, Optional.of("x")),
                        List.of(),
                        Optional.empty())));
        assertTrue(e.getMessage().contains("cannot listen on 127.0.0.1:" + server.port()), e.getMessage());
    }
}
