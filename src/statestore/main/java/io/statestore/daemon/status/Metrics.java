package io.statestore.daemon.status;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MultiGauge;
import io.micrometer.core.instrument.Tag;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.binder.jvm.ClassLoaderMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.DoubleSupplier;
import java.util.function.Supplier;

/**
 * Counters and gauges of this daemon and its JVM, kept in Micrometer's Prometheus registry and
 * rendered in the Prometheus text format. The names are the ones {@code /metrics} had before
 * Micrometer (docs/daemon.md lists them); callers still name series by their Prometheus name and
 * label text, so that no caller changed with the library.
 */
public final class Metrics implements AutoCloseable {
    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private final Map<String, String> help = new ConcurrentHashMap<>();
    private final Map<String, Family> families = new ConcurrentHashMap<>();
    private final JvmGcMetrics gc = new JvmGcMetrics();

    /** A gauge whose labelled series are computed at scrape time. */
    private record Family(MultiGauge gauge, Supplier<Map<String, Double>> series) {}

    public Metrics() {
        new JvmMemoryMetrics().bindTo(registry);
        gc.bindTo(registry);
        new JvmThreadMetrics().bindTo(registry);
        new ClassLoaderMetrics().bindTo(registry);
        new ProcessorMetrics().bindTo(registry);
        new UptimeMetrics().bindTo(registry);
    }

    /** The registry, for binders of other libraries (connection pools, the HTTP server). */
    public PrometheusMeterRegistry registry() {
        return registry;
    }

    public void increment(String name, String labels, long by) {
        counterOf(name, labels).increment(by);
    }

    public void increment(String name, String labels) {
        increment(name, labels, 1);
    }

    public long counter(String name, String labels) {
        Counter c = registry.find(name).tags(parse(labels)).counter();
        return c == null ? 0 : (long) c.count();
    }

    private Counter counterOf(String name, String labels) {
        return Counter.builder(name)
                .description(help.getOrDefault(name, name))
                .tags(parse(labels))
                .register(registry);
    }

    /**
     * A gauge read at scrape time; one that throws (Redis away, the feed not created yet) reads
     * NaN in that scrape, quietly: Micrometer would log a warning with a stack trace.
     */
    public void gauge(String name, String helpText, DoubleSupplier value) {
        help.put(name, helpText);
        Gauge.builder(name, () -> {
                    try {
                        return value.getAsDouble();
                    } catch (RuntimeException e) {
                        return Double.NaN;
                    }
                })
                .description(helpText)
                .strongReference(true)
                .register(registry);
    }

    /**
     * A gauge with labelled series, computed at scrape time: {@code series} returns the label
     * part (e.g. {@code stream="a",group="g"}, built with {@link #labels}) to value. When it
     * throws, the family has no series in that scrape.
     */
    public void gaugeFamily(String name, String helpText, Supplier<Map<String, Double>> series) {
        help.put(name, helpText);
        families.put(
                name, new Family(MultiGauge.builder(name).description(helpText).register(registry), series));
    }

    /** {@code k1="v1",k2="v2"} with the values escaped as the text format requires. */
    public static String labels(String... namesAndValues) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i + 1 < namesAndValues.length; i += 2) {
            if (sb.length() > 0) {
                sb.append(',');
            }
            sb.append(namesAndValues[i])
                    .append("=\"")
                    .append(namesAndValues[i + 1]
                            .replace("\\", "\\\\")
                            .replace("\"", "\\\"")
                            .replace("\n", "\\n"))
                    .append('"');
        }
        return sb.toString();
    }

    /** The help text of a counter registered later (on its first increment). */
    public void describe(String name, String helpText) {
        help.put(name, helpText);
    }

    /** The Prometheus text exposition (format 0.0.4) of every meter. */
    public String render() {
        families.values().forEach(Metrics::refresh);
        return registry.scrape();
    }

    private static void refresh(Family family) {
        Map<String, Double> now;
        try {
            now = family.series().get();
        } catch (RuntimeException e) {
            now = Map.of();
        }
        List<MultiGauge.Row<?>> rows = new ArrayList<>();
        now.forEach((labels, v) -> rows.add(MultiGauge.Row.of(parse(labels), v)));
        family.gauge().register(rows, true);
    }

    /** The inverse of {@link #labels}: {@code k1="v1",k2="v2"} to tags. */
    static Tags parse(String labels) {
        List<Tag> tags = new ArrayList<>();
        if (labels == null || labels.isEmpty()) {
            return Tags.empty();
        }
        int i = 0;
        while (i < labels.length()) {
            int eq = labels.indexOf("=\"", i);
            if (eq < 0) {
                throw new IllegalArgumentException("metric labels must read name=\"value\",...: " + labels);
            }
            String key = labels.substring(i, eq).strip();
            StringBuilder value = new StringBuilder();
            int j = eq + 2;
            for (; j < labels.length() && labels.charAt(j) != '"'; j++) {
                char c = labels.charAt(j);
                if (c == '\\' && j + 1 < labels.length()) {
                    char n = labels.charAt(++j);
                    value.append(n == 'n' ? '\n' : n);
                } else {
                    value.append(c);
                }
            }
            tags.add(Tag.of(key, value.toString()));
            i = j + 1;
            if (i < labels.length() && labels.charAt(i) == ',') {
                i++;
            }
        }
        return Tags.of(tags);
    }

    @Override
    public void close() {
        gc.close();
        registry.close();
    }
}
