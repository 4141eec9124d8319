package io.statestore.daemon.web;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.javalin.Javalin;
import io.javalin.websocket.WsContext;
import io.statestore.client.StateStore;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * The change feed over WebSocket at {@code /ws/live}: one {@link LiveSocket} (a watcher) per
 * page, and one thread that sends each page what arrived since the last frame, every
 * {@value #FRAME_MILLIS} ms in frames of at most {@value LiveSocket#FRAME_CHANGES} changes. A page
 * that reconnects with {@code ?from=<feed ID>} gets every change after it (docs/dashboard.md).
 */
public final class LiveFeed implements AutoCloseable {
    static final long FRAME_MILLIS = 50;

    private final StateStore store;
    private final ObjectMapper mapper = new ObjectMapper();
    private final Map<String, LiveSocket> sockets = new ConcurrentHashMap<>();
    private final ScheduledExecutorService sender = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "live-feed");
        t.setDaemon(true);
        return t;
    });

    public LiveFeed(StateStore store) {
        this.store = store;
        sender.scheduleWithFixedDelay(this::flushAll, FRAME_MILLIS, FRAME_MILLIS, TimeUnit.MILLISECONDS);
    }

    void mount(Javalin app, Gate gate) {
        app.ws("/ws/live", ws -> {
            ws.onConnect(ctx -> open(ctx, gate));
            ws.onClose(ctx -> drop(ctx.sessionId()));
            ws.onError(ctx -> drop(ctx.sessionId()));
        });
    }

    private void open(WsContext ctx, Gate gate) {
        if (gate.viewer(ctx.cookie(Sessions.COOKIE), ctx.header("Authorization"))
                .isEmpty()) {
            ctx.closeSession(4401, "not logged in: log in at /login.html");
            return;
        }
        if (!sameOrigin(ctx.header("Origin"), ctx.header("Host"))) {
            ctx.closeSession(4403, "refused: the live feed answers only the dashboard's own pages");
            return;
        }
        try {
            LiveSocket socket = LiveSocket.open(
                    ctx,
                    store,
                    LiveFilter.of(ctx.queryParam("prefix"), ctx.queryParam("ops")),
                    ctx.queryParam("from"),
                    mapper);
            sockets.put(ctx.sessionId(), socket);
            ctx.enableAutomaticPings(); // a quiet feed must not look idle to Jetty and be closed
        } catch (RuntimeException e) {
            ctx.closeSession(4400, truncate(e.getMessage()));
        }
    }

    /** A browser sends its page's origin; a page of another site must not read the feed with our cookie. */
    static boolean sameOrigin(String origin, String host) {
        if (origin == null) {
            return true; // not a browser (the cookie or token still had to be given)
        }
        int scheme = origin.indexOf("://");
        return host != null && scheme >= 0 && origin.substring(scheme + 3).equalsIgnoreCase(host);
    }

    private void drop(String id) {
        LiveSocket s = sockets.remove(id);
        if (s != null) {
            s.close();
        }
    }

    private void flushAll() {
        for (LiveSocket s : sockets.values()) {
            try {
                s.flush();
            } catch (RuntimeException e) {
                drop(s.id());
            }
        }
    }

    /** Pages connected now. */
    public int connections() {
        return sockets.size();
    }

    /**
     * Closes every page's socket (code 1012, "service restart"); each page reconnects from its
     * last position. The daemon's stop does it; tests use it to force a reconnect.
     */
    public void disconnectAll() {
        for (LiveSocket s : sockets.values()) {
            s.disconnect(1012, "the daemon closed the live feed; reconnect to resume");
            drop(s.id());
        }
    }

    static String truncate(String reason) {
        String r = reason == null ? "refused" : reason;
        return r.length() > 120 ? r.substring(0, 120) : r; // a close frame's reason holds 123 bytes
    }

    @Override
    public void close() {
        disconnectAll();
        sender.shutdownNow();
    }
}
