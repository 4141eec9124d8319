package io.statestore.daemon.series;

import com.fasterxml.jackson.databind.JsonNode;
import io.statestore.client.Document;
import io.statestore.client.Durations;
import io.statestore.client.JsonPath;
import io.statestore.client.StateStore;
import io.statestore.client.spi.RedisFailures;
import io.statestore.daemon.config.DaemonConfig;
import io.statestore.daemon.redis.RedisAdmin;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One run of sampling: each series whose {@code every} window (aligned to the epoch) has no
 * sample yet is sampled once, whichever daemon runs the job; then, once a minute, every series
 * is downsampled and trimmed. A document or field that is missing or not a number is skipped and
 * counted; a failure of one series is counted and does not stop the others.
 */
public final class SeriesSampler {
    private static final Logger LOG = LoggerFactory.getLogger(SeriesSampler.class);
    private final SeriesStore store;
    private final SeriesKeys keys;
    private final RedisAdmin redis;
    private final StateStore documents;
    private final SeriesDefinitions definitions;
    private final List<DaemonConfig.Sampled> configured;
    private final DaemonFigures figures;
    private final Duration builtinEvery;
    private final Clock clock;
    private final Set<String> registered = ConcurrentHashMap.newKeySet();
    /** Counter readings of the previous built-in sampling: a rate is the change since then. */
    private final Map<String, Point> previous = new ConcurrentHashMap<>();

    private volatile long maintainedMinute = Long.MIN_VALUE;

    /** {@code figures} null: no built-in series. */
    public SeriesSampler(
            SeriesStore store,
            SeriesKeys keys,
            RedisAdmin redis,
            StateStore documents,
            List<DaemonConfig.Sampled> configured,
            DaemonFigures figures,
            Duration builtinEvery,
            Clock clock) {
        this.store = store;
        this.keys = keys;
        this.redis = redis;
        this.documents = documents;
        this.definitions = new SeriesDefinitions(redis, keys);
        this.configured = List.copyOf(configured);
        this.figures = figures;
        this.builtinEvery = builtinEvery;
        this.clock = clock;
    }

    public SeriesStore store() {
        return store;
    }

    public SampleRun sampleDue() {
        long now = clock.millis();
        Map<String, String> last = redis.with(j -> j.hgetAll(keys.lastSampled()));
        Tally t = new Tally();
        Map<String, String> sampledNow = new HashMap<>();
        for (DaemonConfig.Sampled s : definitions.merged(configured)) {
            if (due(last, s.seriesName(), s.every(), now)) {
                sampledNow.put(s.seriesName(), Long.toString(now));
                sampleDocument(s, now, t);
            }
        }
        if (figures != null && due(last, DaemonFigures.MEMORY, builtinEvery, now)) {
            sampledNow.put(DaemonFigures.MEMORY, Long.toString(now));
            sampleBuiltins(now, t);
        }
        if (!sampledNow.isEmpty()) {
            redis.with(j -> j.hset(keys.lastSampled(), sampledNow)); // one write for the run, not one per series
        }
        int maintained = 0;
        if (Retention.minuteOf(now) != maintainedMinute) {
            for (String name : store.series().keySet()) {
                try {
                    store.maintain(name);
                    maintained++;
                } catch (RuntimeException e) {
                    t.failed++;
                    LOG.warn("series {}: downsampling failed: {}", name, RedisFailures.describe(e));
                }
            }
            maintainedMinute = Retention.minuteOf(now);
        }
        return new SampleRun(t.sampled, t.missing, t.notNumeric, t.failed, maintained);
    }

    private static boolean due(Map<String, String> last, String name, Duration every, long now) {
        String l = last.get(name);
        long window = every.toMillis();
        return l == null || Math.floorDiv(Long.parseLong(l), window) != Math.floorDiv(now, window);
    }

    private void sampleDocument(DaemonConfig.Sampled s, long now, Tally t) {
        String name = s.seriesName();
        try {
            Optional<Document<JsonNode>> doc = documents.get(s.key());
            FieldReader.Reading r = doc.isEmpty()
                    ? FieldReader.Reading.skipped(FieldReader.MISSING)
                    : FieldReader.read(doc.get().value(), JsonPath.parse(s.path()));
            register(name, s.key() + " " + s.path() + " every " + Durations.format(s.every()));
            if (!r.ok()) {
                t.skip(r.skip());
                redis.with(j -> j.hincrBy(keys.skipped(), name, 1));
                LOG.debug("series {}: {} {} is {}; sample skipped", name, s.key(), s.path(), r.skip());
                return;
            }
            store.add(name, now, r.value());
            t.sampled++;
        } catch (RuntimeException e) {
            t.failed++;
            LOG.warn("series {}: sampling {} failed: {}", name, s.key(), RedisFailures.describe(e));
        }
    }

    private void sampleBuiltins(long now, Tally t) {
        Map<String, Double> values = new HashMap<>();
        try {
            for (Map.Entry<String, Double> c : figures.counters().entrySet()) {
                Point before = previous.put(c.getKey(), new Point(now, c.getValue()));
                // the first reading, or a counter that went back (a stream deleted): no rate this time
                if (before != null && now > before.time() && c.getValue() >= before.value()) {
                    values.put(c.getKey(), (c.getValue() - before.value()) * 1000.0 / (now - before.time()));
                }
            }
            values.putAll(figures.gauges());
        } catch (RuntimeException e) {
            t.failed++;
            LOG.warn("built-in series: reading the daemon's figures failed: {}", RedisFailures.describe(e));
        }
        for (Map.Entry<String, Double> v : values.entrySet()) {
            try {
                register(v.getKey(), DaemonFigures.DESCRIPTIONS.get(v.getKey()));
                store.add(v.getKey(), now, v.getValue());
                t.sampled++;
            } catch (RuntimeException e) {
                t.failed++;
                LOG.warn("series {}: storing failed: {}", v.getKey(), RedisFailures.describe(e));
            }
        }
    }

    private void register(String name, String description) {
        if (registered.add(name)) {
            store.register(name, description);
        }
    }

    /** Counts of one run. */
    private static final class Tally {
        int sampled;
        int missing;
        int notNumeric;
        int failed;

        void skip(String reason) {
            if (FieldReader.MISSING.equals(reason)) {
                missing++;
            } else {
                notNumeric++;
            }
        }
    }
}
