package io.statestore.daemon.web.events;

import com.fasterxml.jackson.databind.JsonNode;
import io.statestore.client.EventBus;
import io.statestore.client.events.GroupStats;
import io.statestore.client.events.StreamStats;
import io.statestore.daemon.redis.RedisAdmin;
import io.statestore.daemon.web.Access;
import io.statestore.daemon.web.WebError;
import io.statestore.daemon.web.WebRequest;
import io.statestore.daemon.web.WebRoutes;
import io.statestore.daemon.web.ops.OpsParams;
import io.statestore.daemon.web.ops.Unavailable;
import java.util.ArrayList;
import java.util.List;
import redis.clients.jedis.resps.StreamConsumerInfo;

/**
 * The Events page's data (docs/dashboard-ops.md): streams, consumer groups, dead letters, and
 * redrive. Figures come from the bus's own {@link EventBus#info()}; only what it does not give
 * (rates, each consumer, paged dead letters) is read from the streams directly, by the keys
 * {@code info()} named, so the key layout stays the bus's business.
 */
public final class EventBusRoutes implements WebRoutes {
    static final int DEFAULT_PAGE = 50;
    static final int MAX_PAGE = 500;

    private final EventBus bus;
    private final RedisAdmin redis;

    /** @param bus the daemon's bus ({@code store.events()}); @param redis the daemon's admin connections */
    public EventBusRoutes(EventBus bus, RedisAdmin redis) {
        this.bus = bus;
        this.redis = redis;
    }

    @Override
    public void register(Registry registry) {
        registry.get("/events/streams", Access.READER, Unavailable.as503(r -> streams()));
        registry.get("/events/groups", Access.READER, Unavailable.as503(r -> groups()));
        registry.get("/events/dead", Access.READER, Unavailable.as503(this::deadLetters));
        registry.post("/events/dead/{type}/redrive", Access.WRITER, Unavailable.as503(this::redrive));
    }

    List<EventViews.Stream> streams() {
        List<StreamStats> info = bus.info();
        return redis.with(j -> {
            List<EventViews.Stream> out = new ArrayList<>();
            for (StreamStats s : info) {
                StreamRate rate = s.length() == 0 ? new StreamRate(0, false) : StreamRate.of(j, s.key());
                Long last = s.lastId().isEmpty() ? null : OpsParams.idMillis(s.lastId());
                out.add(new EventViews.Stream(
                        s.kind(),
                        s.type(),
                        s.key(),
                        s.length(),
                        s.firstId(),
                        s.lastId(),
                        last,
                        rate.perSecond(),
                        rate.estimated(),
                        s.groups().size()));
            }
            return out;
        });
    }

    List<EventViews.Group> groups() {
        List<StreamStats> info = bus.info();
        return redis.with(j -> {
            List<EventViews.Group> out = new ArrayList<>();
            for (StreamStats s : info) {
                for (GroupStats g : s.groups()) {
                    List<EventViews.Consumer> consumers = new ArrayList<>();
                    for (StreamConsumerInfo c : j.xinfoConsumers2(s.key(), g.name())) {
                        consumers.add(new EventViews.Consumer(c.getName(), c.getPending(), c.getIdle()));
                    }
                    out.add(new EventViews.Group(
                            s.key(),
                            s.type(),
                            g.name(),
                            g.consumers(),
                            g.pending(),
                            g.lag() < 0 ? null : g.lag(),
                            g.lastDeliveredId(),
                            g.pending() == 0 ? 0 : g.oldestPendingAge().toMillis(),
                            consumers));
                }
            }
            return out;
        });
    }

    /** {@code ?type=T&after=CURSOR&limit=N}: without a type, the dead letters of every type merged by time. */
    EventViews.DeadLetterPage deadLetters(WebRequest request) {
        String type = request.query("type")
                .filter(t -> !t.isEmpty())
                .map(t -> knownType(t))
                .orElse(null);
        String after = request.query("after").filter(a -> !a.isEmpty()).orElse(null);
        int limit = OpsParams.intParam(request, "limit", DEFAULT_PAGE, 1, MAX_PAGE);
        List<StreamStats> dlqs = bus.info().stream()
                .filter(s -> s.kind().equals("dlq") && (type == null || s.type().equals(type)))
                .toList();
        return redis.with(j -> DeadLetterPages.read(j, dlqs, after, limit));
    }

    /** Body {@code {"max": N}} (optional; 0 or absent = all): through the bus's own atomic redrive. */
    EventViews.Redriven redrive(WebRequest request) {
        String type = knownType(request.pathParam("type"));
        JsonNode max = request.body().path("max");
        long n = 0;
        if (!max.isMissingNode() && !max.isNull()) {
            if (!max.canConvertToLong() || !max.isIntegralNumber() || max.asLong() < 0) {
                throw new WebError(
                        400, "max must be a whole number of dead letters to move, 0 or more (0 = all), got " + max);
            }
            n = max.asLong();
        }
        return new EventViews.Redriven(type, bus.redrive(type, n));
    }

    private String knownType(String type) {
        OpsParams.name(type, "event type");
        if (!bus.types().contains(type)) {
            throw new WebError(404, "no event type \"" + type + "\" has been published on this bus");
        }
        return type;
    }
}
