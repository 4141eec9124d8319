package io.statestore.daemon.status;

import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.DoubleSupplier;
import java.util.function.Supplier;

/** Counters and gauges of this daemon, rendered in the Prometheus text format. */
public final class Metrics {
    private final Map<String, AtomicLong> counters = new ConcurrentHashMap<>();
    private final Map<String, DoubleSupplier> gauges = new ConcurrentHashMap<>();
    private final Map<String, String> help = new ConcurrentHashMap<>();
    private final Map<String, Supplier<Map<String, Double>>> families = new ConcurrentHashMap<>();

    public void increment(String name, String labels, long by) {
        counters.computeIfAbsent(series(name, labels), k -> new AtomicLong()).addAndGet(by);
    }

    public void increment(String name, String labels) {
        increment(name, labels, 1);
    }

    public long counter(String name, String labels) {
        AtomicLong v = counters.get(series(name, labels));
        return v == null ? 0 : v.get();
    }

    public void gauge(String name, String helpText, DoubleSupplier value) {
        gauges.put(name, value);
        help.put(name, helpText);
    }

    /**
     * A gauge with labelled series, computed at scrape time: {@code series} returns the label
     * part (e.g. {@code stream="a",group="g"}, built with {@link #labels}) to value. When it
     * throws, the family is left out of that scrape.
     */
    public void gaugeFamily(String name, String helpText, Supplier<Map<String, Double>> series) {
        families.put(name, series);
        help.put(name, helpText);
    }

    /** {@code k1="v1",k2="v2"} with the values escaped as the text format requires. */
    public static String labels(String... namesAndValues) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i + 1 < namesAndValues.length; i += 2) {
            if (sb.length() > 0) {
                sb.append(',');
            }
            sb.append(namesAndValues[i]).append("=\"").append(namesAndValues[i + 1]
                    .replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n")).append('"');
        }
        return sb.toString();
    }

    public void describe(String name, String helpText) {
        help.put(name, helpText);
    }

    public String render() {
        StringBuilder sb = new StringBuilder();
        Map<String, Map<String, Long>> byName = new TreeMap<>();
        counters.forEach((series, v) -> {
            int brace = series.indexOf('{');
            String name = brace < 0 ? series : series.substring(0, brace);
            byName.computeIfAbsent(name, k -> new TreeMap<>()).put(series, v.get());
        });
        byName.forEach((name, series) -> {
            sb.append("# HELP ").append(name).append(' ').append(help.getOrDefault(name, name)).append('\n');
            sb.append("# TYPE ").append(name).append(" counter\n");
            series.forEach((s, v) -> sb.append(s).append(' ').append(v).append('\n'));
        });
        new TreeMap<>(gauges).forEach((name, supplier) -> {
            double v;
            try {
                v = supplier.getAsDouble();
            } catch (RuntimeException e) {
                return;
            }
            sb.append("# HELP ").append(name).append(' ').append(help.get(name)).append('\n');
            sb.append("# TYPE ").append(name).append(" gauge\n");
            sb.append(name).append(' ').append(Double.isNaN(v) ? "NaN" : format(v)).append('\n');
        });
        new TreeMap<>(families).forEach((name, supplier) -> {
            Map<String, Double> series;
            try {
                series = new TreeMap<>(supplier.get());
            } catch (RuntimeException e) {
                return;
            }
            sb.append("# HELP ").append(name).append(' ').append(help.get(name)).append('\n');
            sb.append("# TYPE ").append(name).append(" gauge\n");
            series.forEach((labels, v) -> sb.append(series(name, labels)).append(' ')
                    .append(Double.isNaN(v) ? "NaN" : format(v)).append('\n'));
        });
        return sb.toString();
    }

    private static String format(double v) {
        return v == Math.rint(v) && Math.abs(v) < 1e15 ? Long.toString((long) v) : Double.toString(v);
    }

    private static String series(String name, String labels) {
        return labels == null || labels.isEmpty() ? name : name + "{" + labels + "}";
    }
}
