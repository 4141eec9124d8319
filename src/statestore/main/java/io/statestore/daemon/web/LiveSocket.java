package io.statestore.daemon.web;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.javalin.websocket.WsContext;
import io.statestore.client.ChangeEvent;
import io.statestore.client.ResyncReason;
import io.statestore.client.StateStore;
import io.statestore.client.WatchListener;
import io.statestore.client.WatchOptions;
import io.statestore.client.Watcher;
import java.util.Objects;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.eclipse.jetty.websocket.api.WriteCallback;

/**
 * One live page: a watcher that queues the changes it sees, and frames
 * {@code {"position": ID, "changes": [...]}} sent one at a time. The frame's position is where
 * the page resumes after a reconnect: every change up to it has been sent in this or an earlier
 * frame. A page that falls {@value #MAX_PENDING} changes behind is disconnected and resumes from
 * its position, so the daemon's memory stays bounded and the page misses nothing.
 */
final class LiveSocket implements WatchListener {
    static final int FRAME_CHANGES = 200;
    static final int MAX_PENDING = 50_000;
    /** A change larger than this is sent without its content; the page links to the document. */
    private static final int MAX_CHANGE_CHARS = 2_000;

    private final WsContext ctx;
    private final LiveFilter filter;
    private final ObjectMapper mapper;
    private final Queue<ObjectNode> pending = new ConcurrentLinkedQueue<>();
    private final AtomicInteger size = new AtomicInteger();
    private final AtomicReference<String> position = new AtomicReference<>();
    private final AtomicBoolean sending = new AtomicBoolean();
    private volatile String sentPosition;
    private volatile ResyncReason resync;
    private volatile Watcher watcher;

    private LiveSocket(WsContext ctx, LiveFilter filter, ObjectMapper mapper) {
        this.ctx = ctx;
        this.filter = filter;
        this.mapper = mapper;
    }

    /** Starts the page's watcher: after {@code from} when given, else at the feed's end (no snapshot). */
    static LiveSocket open(WsContext ctx, StateStore store, LiveFilter filter, String from, ObjectMapper mapper) {
        LiveSocket s = new LiveSocket(ctx, filter, mapper);
        WatchOptions.Builder options =
                WatchOptions.builder().prefix(filter.prefix()).snapshot(false).resyncSnapshot(false);
        if (from != null && !from.isBlank()) {
            options.fromId(from);
        }
        s.watcher = store.watch().watch(options.build(), s);
        // the page's first frame tells it where it starts; before the feed's first entry that is 0-0
        String start = s.watcher.position();
        s.position.compareAndSet(null, start == null || start.isEmpty() ? "0-0" : start);
        return s;
    }

    String id() {
        return ctx.sessionId();
    }

    @Override
    public void onEvent(ChangeEvent e) {
        if (filter.wants(e.op())) {
            pending.add(row(e));
            if (size.incrementAndGet() > MAX_PENDING) {
                disconnect(4000, "the page fell behind the feed; reconnect to resume from its position");
            }
        }
        position.set(e.id()); // after queueing: a frame never claims a position whose change it has not sent
    }

    @Override
    public void onResync(ResyncReason reason) {
        resync = reason;
    }

    private ObjectNode row(ChangeEvent e) {
        ObjectNode n = mapper.createObjectNode();
        n.put("id", e.id())
                .put("key", e.key())
                .put("op", e.op())
                .put("rev", e.revision())
                .put("prev", e.previousRevision())
                .put("writer", e.writer())
                .put("time", e.time().toEpochMilli());
        if (e.change() != null) {
            String text = e.change().toString();
            if (text.length() <= MAX_CHANGE_CHARS) {
                n.set("change", e.change());
            }
        }
        return n;
    }

    /** Sends what is queued, unless a frame is still on its way (then its completion sends the rest). */
    void flush() {
        if (!sending.compareAndSet(false, true)) {
            return;
        }
        String pos = position.get(); // read before draining: every change up to it is in the queue or sent
        ArrayNode changes = mapper.createArrayNode();
        String last = null;
        ObjectNode c;
        while (changes.size() < FRAME_CHANGES && (c = pending.poll()) != null) {
            size.decrementAndGet();
            changes.add(c);
            last = c.get("id").asText();
        }
        String framePos = changes.size() == FRAME_CHANGES ? last : later(pos, last);
        ResyncReason lost = changes.isEmpty() ? resync : null;
        if (changes.isEmpty() && lost == null && Objects.equals(framePos, sentPosition)) {
            sending.set(false);
            return;
        }
        ObjectNode frame = mapper.createObjectNode();
        frame.put("position", framePos);
        frame.set("changes", changes);
        if (lost != null) {
            frame.put("resync", lost.name().toLowerCase(java.util.Locale.ROOT));
        }
        sentPosition = framePos;
        send(frame, lost != null);
    }

    private void send(ObjectNode frame, boolean thenClose) {
        String text;
        try {
            text = mapper.writeValueAsString(frame);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
        ctx.session.getRemote().sendString(text, new WriteCallback() {
            @Override
            public void writeSuccess() {
                sending.set(false);
                if (thenClose) {
                    disconnect(4001, "changes were missed (the feed no longer holds them); reload to start again");
                } else if (!pending.isEmpty()) {
                    flush();
                }
            }

            @Override
            public void writeFailed(Throwable x) {
                sending.set(false);
                disconnect(1011, "sending failed");
            }
        });
    }

    /** The later of two feed entry IDs ({@code ms-seq}); either may be null. */
    static String later(String a, String b) {
        if (a == null || a.isEmpty()) {
            return b;
        }
        if (b == null || b.isEmpty()) {
            return a;
        }
        return compare(a, b) >= 0 ? a : b;
    }

    static int compare(String a, String b) {
        String[] x = a.split("-", 2);
        String[] y = b.split("-", 2);
        int c = Long.compare(Long.parseLong(x[0]), Long.parseLong(y[0]));
        if (c != 0) {
            return c;
        }
        return Long.compare(x.length > 1 ? Long.parseLong(x[1]) : 0, y.length > 1 ? Long.parseLong(y[1]) : 0);
    }

    void disconnect(int code, String reason) {
        close();
        try {
            ctx.closeSession(code, reason);
        } catch (RuntimeException ignored) {
            // already closed by the browser
        }
    }

    void close() {
        Watcher w = watcher;
        if (w != null) {
            w.close();
        }
    }
}
