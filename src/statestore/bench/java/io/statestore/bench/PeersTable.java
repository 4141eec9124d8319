package io.statestore.bench;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.ToDoubleFunction;
import java.util.stream.Collectors;

/**
 * The peers benchmark's figures over all sets, printed as Markdown tables (ready for
 * docs/benchmarks.md): medians, statestore's ratios to each peer, CPU per success, every set.
 */
final class PeersTable {
    private final List<PeerSystem> systems;
    private final Map<PeerSystem, String> names;
    private final Map<PeerRow, Map<PeerSystem, List<ClosedLoop.Result>>> loops = new EnumMap<>(PeerRow.class);
    private final Map<PeerSystem, List<WatchDelay.Result>> watches = new EnumMap<>(PeerSystem.class);

    PeersTable(List<PeerSystem> systems, Map<PeerSystem, String> names) {
        this.systems = List.copyOf(systems);
        this.names = Map.copyOf(names);
    }

    void add(PeerRow row, PeerSystem system, ClosedLoop.Result r) {
        loops.computeIfAbsent(row, k -> new EnumMap<>(PeerSystem.class))
                .computeIfAbsent(system, k -> new ArrayList<>())
                .add(r);
    }

    void add(PeerSystem system, WatchDelay.Result r) {
        watches.computeIfAbsent(system, k -> new ArrayList<>()).add(r);
    }

    /** The median; of an even count, the mean of the middle two. NaN when empty. */
    static double median(List<Double> values) {
        if (values.isEmpty()) {
            return Double.NaN;
        }
        double[] s = values.stream().mapToDouble(Double::doubleValue).sorted().toArray();
        int m = s.length / 2;
        return s.length % 2 == 1 ? s[m] : (s[m - 1] + s[m]) / 2;
    }

    private double loopMedian(PeerRow row, PeerSystem s, ToDoubleFunction<ClosedLoop.Result> f) {
        List<ClosedLoop.Result> rs = loops.getOrDefault(row, Map.of()).getOrDefault(s, List.of());
        return median(rs.stream().map(f::applyAsDouble).collect(Collectors.toList()));
    }

    private double watchMedian(PeerSystem s, ToDoubleFunction<WatchDelay.Result> f) {
        return median(watches.getOrDefault(s, List.of()).stream()
                .map(f::applyAsDouble)
                .collect(Collectors.toList()));
    }

    void print(PrintWriter out, int sets, int rate) {
        out.println();
        out.printf("Medians of %d set(s):%n%n", sets);
        header(out, "row", systems.stream().map(names::get).toList());
        for (PeerRow row : PeerRow.values()) {
            if (row.throughput()) {
                cells(
                        out,
                        row.title(),
                        systems.stream()
                                .map(s -> count(loopMedian(row, s, ClosedLoop.Result::perSecond)))
                                .toList());
            }
        }
        cells(
                out,
                "watch delay p50 / p99 at " + rate + " updates/s (ms)",
                systems.stream()
                        .map(s -> ms(watchMedian(s, WatchDelay.Result::p50)) + " / "
                                + ms(watchMedian(s, WatchDelay.Result::p99)))
                        .toList());
        printRatios(out);
        printCpu(out);
        printSets(out, rate);
    }

    /** statestore's advantage over each peer: its throughput over theirs, their delay over its. */
    private void printRatios(PrintWriter out) {
        List<PeerSystem[]> pairs = new ArrayList<>();
        for (PeerSystem ss : List.of(
                PeerSystem.EVERYSEC,
                PeerSystem.ALWAYS,
                PeerSystem.GROUP,
                PeerSystem.SEPARATE_READS,
                PeerSystem.POOLED)) {
            for (PeerSystem peer : List.of(PeerSystem.NATS, PeerSystem.ETCD)) {
                if (systems.contains(ss) && systems.contains(peer)) {
                    pairs.add(new PeerSystem[] {ss, peer});
                }
            }
        }
        if (pairs.isEmpty()) {
            return;
        }
        out.println();
        out.println(
                "statestore against each peer (above 1 = statestore ahead: throughput statestore/peer, delay peer/statestore):");
        out.println();
        header(
                out,
                "row",
                pairs.stream()
                        .map(p -> names.get(p[0]) + " vs " + names.get(p[1]))
                        .toList());
        for (PeerRow row : PeerRow.values()) {
            if (row.throughput()) {
                cells(
                        out,
                        row.title(),
                        pairs.stream()
                                .map(p -> ratio(loopMedian(row, p[0], ClosedLoop.Result::perSecond)
                                        / loopMedian(row, p[1], ClosedLoop.Result::perSecond)))
                                .toList());
            }
        }
        cells(
                out,
                "watch delay p50",
                pairs.stream()
                        .map(p -> delayRatio(
                                watchMedian(p[1], WatchDelay.Result::p50), watchMedian(p[0], WatchDelay.Result::p50)))
                        .toList());
        cells(
                out,
                "watch delay p99",
                pairs.stream()
                        .map(p -> delayRatio(
                                watchMedian(p[1], WatchDelay.Result::p99), watchMedian(p[0], WatchDelay.Result::p99)))
                        .toList());
    }

    /** Below 10 µs a delay is the clock's and the scheduler's noise: a ratio of two such would mean nothing. */
    static String delayRatio(double peerNanos, double statestoreNanos) {
        if (peerNanos < 10_000 || statestoreNanos < 10_000) {
            return "- (" + ms(statestoreNanos) + " vs " + ms(peerNanos) + " ms)";
        }
        return ratio(peerNanos / statestoreNanos);
    }

    private void printCpu(PrintWriter out) {
        out.println();
        out.println("CPU per success, this JVM (all its threads) + the server process, microseconds (medians):");
        out.println();
        header(out, "row", systems.stream().map(names::get).toList());
        for (PeerRow row : PeerRow.values()) {
            if (row.throughput()) {
                cells(
                        out,
                        row.title().replaceAll(" \\(.*\\)$", ""),
                        systems.stream()
                                .map(s -> micros(loopMedian(row, s, ClosedLoop.Result::clientMicros)) + " + "
                                        + micros(loopMedian(row, s, ClosedLoop.Result::serverMicros)))
                                .toList());
            }
        }
    }

    private void printSets(PrintWriter out, int rate) {
        out.println();
        out.println(
                "Every set (in run order; CAS rows: successes/s, conflicts in the window in brackets; a watch writer"
                        + " slower than the rate, because each put waited for its reply, says the rate it reached):");
        out.println();
        header(out, "row", systems.stream().map(names::get).toList());
        for (PeerRow row : PeerRow.values()) {
            if (row.throughput()) {
                cells(
                        out,
                        row.title(),
                        systems.stream()
                                .map(s -> loops.getOrDefault(row, Map.of()).getOrDefault(s, List.of()).stream()
                                        .map(r -> count(r.perSecond())
                                                + (row == PeerRow.PUT ? "" : " (" + r.conflicts() + ")"))
                                        .collect(Collectors.joining(", ")))
                                .toList());
            }
        }
        cells(
                out,
                PeerRow.WATCH.title(),
                systems.stream()
                        .map(s -> watches.getOrDefault(s, List.of()).stream()
                                .map(r -> ms(r.p50()) + " / " + ms(r.p99())
                                        + (r.rate() < 0.95 * rate ? " (at " + count(r.rate()) + "/s)" : ""))
                                .collect(Collectors.joining(", ")))
                        .toList());
    }

    private static void header(PrintWriter out, String first, List<String> titles) {
        cells(out, first, titles);
        out.println("|---" + "|---".repeat(titles.size()) + "|");
    }

    private static void cells(PrintWriter out, String first, List<String> values) {
        out.println("| " + first + " | " + String.join(" | ", values) + " |");
    }

    static String count(double v) {
        return Double.isNaN(v) ? "-" : String.format(Locale.ROOT, "%,.0f", v);
    }

    static String ms(double nanos) {
        return Double.isNaN(nanos) ? "-" : String.format(Locale.ROOT, "%.3f", nanos / 1e6);
    }

    static String ratio(double r) {
        return Double.isNaN(r) || Double.isInfinite(r) ? "-" : String.format(Locale.ROOT, "%.2fx", r);
    }

    private static String micros(double v) {
        return Double.isNaN(v) || v < 0 ? "-" : String.format(Locale.ROOT, "%.0f", v);
    }
}
