package io.statestore.daemon.web;

import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.Base64;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The dashboard's logins, kept in the daemon's memory only: a restart logs everyone out, and no
 * session identifier is ever written to disk or Redis. A session carries its role and the CSRF
 * token its pages must send with every POST.
 */
public final class Sessions {
    /** The cookie that names a session; HttpOnly, so a page's script never sees it. */
    public static final String COOKIE = "ss_session";

    public static final Duration IDLE = Duration.ofHours(12);
    private static final SecureRandom RANDOM = new SecureRandom();

    private final Map<String, Session> byId = new ConcurrentHashMap<>();
    private final Clock clock;

    /** One login: the role it proved and the CSRF token the page learns from {@code /api/session}. */
    public record Session(String id, Access access, String csrf, long lastSeenMillis) {}

    public Sessions(Clock clock) {
        this.clock = clock;
    }

    public Session open(Access access) {
        dropIdle();
        Session s = new Session(random(), access, random(), clock.millis());
        byId.put(s.id(), s);
        return s;
    }

    /** The live session of this cookie value, its idle time reset; empty when unknown or idle too long. */
    public Optional<Session> find(String id) {
        if (id == null || id.isEmpty()) {
            return Optional.empty();
        }
        Session s = byId.get(id);
        if (s == null) {
            return Optional.empty();
        }
        long now = clock.millis();
        if (now - s.lastSeenMillis() > IDLE.toMillis()) {
            byId.remove(id);
            return Optional.empty();
        }
        Session touched = new Session(s.id(), s.access(), s.csrf(), now);
        byId.put(id, touched);
        return Optional.of(touched);
    }

    public void close(String id) {
        if (id != null) {
            byId.remove(id);
        }
    }

    private void dropIdle() {
        long now = clock.millis();
        byId.values().removeIf(s -> now - s.lastSeenMillis() > IDLE.toMillis());
    }

    /** 256 random bits, URL-safe: unguessable, and safe in a cookie or header. */
    static String random() {
        byte[] b = new byte[32];
        RANDOM.nextBytes(b);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(b);
    }
}
