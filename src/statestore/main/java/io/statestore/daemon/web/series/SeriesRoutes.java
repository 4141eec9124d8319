package io.statestore.daemon.web.series;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.statestore.client.InvalidInputException;
import io.statestore.client.NotFoundException;
import io.statestore.daemon.series.Aggregation;
import io.statestore.daemon.series.Point;
import io.statestore.daemon.series.SeriesReader;
import io.statestore.daemon.series.SeriesStore;
import io.statestore.daemon.series.TimeWords;
import io.statestore.daemon.web.Access;
import io.statestore.daemon.web.WebError;
import io.statestore.daemon.web.WebRequest;
import io.statestore.daemon.web.WebRoutes;
import java.time.Clock;
import java.util.Map;
import java.util.Optional;

/**
 * The series page's endpoints (docs/series.md): {@code GET /api/series} lists the series,
 * {@code GET /api/series/range?name=&from=&to=&agg=} returns {@code {"name":…, "points":[[epochMillis, value], …]}}.
 * Both need only the reader role.
 */
public final class SeriesRoutes implements WebRoutes {
    /** A range without {@code from} starts this long ago. */
    static final String DEFAULT_FROM = "-1h";

    private static final JsonNodeFactory JSON = JsonNodeFactory.instance;
    private final SeriesStore store;
    private final SeriesReader reader;
    private final Clock clock;

    public SeriesRoutes(SeriesStore store, Clock clock) {
        this.store = store;
        this.reader = new SeriesReader(store);
        this.clock = clock;
    }

    @Override
    public void register(Registry registry) {
        registry.get("/series", Access.READER, request -> list());
        registry.get("/series/range", Access.READER, this::range);
    }

    /** {@code [{"name", "description", "skipped", "lastTime", "lastValue"}, …]}; the last two absent before a first sample. */
    private ArrayNode list() {
        ArrayNode all = JSON.arrayNode();
        for (Map.Entry<String, String> e : store.series().entrySet()) {
            ObjectNode o = all.addObject()
                    .put("name", e.getKey())
                    .put("description", e.getValue())
                    .put("skipped", store.skipped(e.getKey()));
            Optional<Point> last = store.latest(e.getKey());
            last.ifPresent(p -> o.put("lastTime", p.time()).put("lastValue", p.value()));
        }
        return all;
    }

    private ObjectNode range(WebRequest request) {
        String name = request.query("name")
                .filter(n -> !n.isBlank())
                .orElseThrow(() -> new WebError(400, "the query parameter name is required: the series to read"));
        long from;
        long to;
        Aggregation agg;
        try {
            from = TimeWords.parse(request.query("from").orElse(DEFAULT_FROM), "from", clock);
            to = TimeWords.parse(request.query("to").orElse("now"), "to", clock);
            agg = request.query("agg")
                    .filter(a -> !a.isBlank())
                    .map(Aggregation::parse)
                    .orElse(null);
        } catch (InvalidInputException e) {
            throw new WebError(400, e.getMessage());
        }
        ObjectNode out = JSON.objectNode().put("name", name);
        ArrayNode points = out.putArray("points");
        try {
            for (Point p : reader.range(name, from, to, agg)) {
                points.addArray().add(p.time()).add(p.value());
            }
        } catch (NotFoundException e) {
            throw new WebError(404, e.getMessage());
        } catch (InvalidInputException e) {
            throw new WebError(400, e.getMessage());
        }
        return out;
    }
}
