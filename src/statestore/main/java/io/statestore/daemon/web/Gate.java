package io.statestore.daemon.web;

import io.javalin.http.Context;
import io.javalin.http.HandlerType;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Locale;
import java.util.Optional;

/**
 * Who is calling: the daemon's bearer token (a script; admin), or a login session's cookie. A
 * session's POSTs must also carry its CSRF token in {@value #CSRF_HEADER}: the cookie travels
 * with any request the browser makes, the header only with those our own pages make.
 */
final class Gate {
    static final String CSRF_HEADER = "X-CSRF-Token";

    private final Sessions sessions;
    private final Credentials credentials;

    Gate(Sessions sessions, Credentials credentials) {
        this.sessions = sessions;
        this.credentials = credentials;
    }

    /** The caller's role, when it has at least {@code needed}; otherwise a {@link WebError} 401 or 403. */
    Access require(Context ctx, Access needed) {
        Access caller;
        if (credentials.bearer(ctx.header("Authorization"))) {
            caller = Access.ADMIN;
        } else {
            Sessions.Session s = session(ctx)
                    .orElseThrow(() -> new WebError(
                            401, "not logged in: log in at /login.html with a role's password (docs/dashboard.md)"));
            if (ctx.method() != HandlerType.GET
                    && ctx.method() != HandlerType.HEAD
                    && !same(s.csrf(), ctx.header(CSRF_HEADER))) {
                throw new WebError(
                        403,
                        "refused: the request lacks the dashboard's CSRF token (" + CSRF_HEADER
                                + " header); changes are accepted only from the dashboard's own pages");
            }
            caller = s.access();
        }
        if (caller.ordinal() < needed.ordinal()) {
            throw new WebError(
                    403, "refused: this needs the " + name(needed) + " role; you are logged in as " + name(caller));
        }
        return caller;
    }

    Optional<Sessions.Session> session(Context ctx) {
        return sessions.find(ctx.cookie(Sessions.COOKIE));
    }

    /** The role of a WebSocket upgrade's caller (cookie or token), if any. */
    Optional<Access> viewer(String cookie, String authorization) {
        if (credentials.bearer(authorization)) {
            return Optional.of(Access.ADMIN);
        }
        return sessions.find(cookie).map(Sessions.Session::access);
    }

    static String name(Access a) {
        return a.name().toLowerCase(Locale.ROOT);
    }

    private static boolean same(String expected, String given) {
        return given != null
                && MessageDigest.isEqual(
                        expected.getBytes(StandardCharsets.UTF_8), given.getBytes(StandardCharsets.UTF_8));
    }
}
