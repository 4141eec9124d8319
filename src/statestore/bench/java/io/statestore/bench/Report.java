package io.statestore.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/** The results table, the target verdicts, and the same as JSON. */
final class Report {
    static final double SET_TARGET = 0.35;
    static final double LEGACY_TARGET = 10.0;

    /** A target verdict; {@code row} empty when the workload was not run. */
    record Verdict(String name, double threshold, Optional<Double> actual) {
        String status() {
            return actual.isEmpty() ? "SKIP" : actual.get() >= threshold ? "PASS" : "FAIL";
        }
    }

    private Report() {}

    static List<Verdict> verdicts(List<Row> rows) {
        Optional<Row> r = rows.stream()
                .filter(x -> x.workload().op() == Workload.Operation.MERGE
                        && x.workload().sizeKb() == 1
                        && x.workload().clients() == 16
                        && !x.workload().hot())
                .findFirst();
        List<Verdict> out = new ArrayList<>();
        out.add(new Verdict(
                "1 KB merge, 16 clients: statestore >= 35% of plain SET throughput",
                SET_TARGET, r.map(Row::ratioToSet)));
        out.add(new Verdict(
                "1 KB merge, 16 clients: statestore >= 10x legacy file throughput",
                LEGACY_TARGET,
                r.map(Row::ratioToLegacy)));
        return out;
    }

    static void printTable(PrintStream out, Map<String, String> notes, List<Row> rows) {
        notes.forEach((k, v) -> out.println(k + ": " + v));
        out.println();
        String head = String.format(
                Locale.ROOT,
                "%-10s %7s %7s | %-24s | %-24s | %-24s | %7s %9s",
                "op",
                "doc B",
                "clients",
                "statestore/s p50 p99 us",
                "SET/s p50 p99 us",
                "legacy/s p50 p99 us",
                "ss/SET",
                "ss/legacy");
        out.println(head);
        out.println("-".repeat(head.length()));
        for (Row r : rows) {
            Workload w = r.workload();
            out.println(String.format(
                    Locale.ROOT,
                    "%-10s %7d %7s | %s | %s | %s | %6.0f%% %8.1fx",
                    w.op().label(),
                    r.docBytes(),
                    w.clients() + (w.hot() ? " hot" : ""),
                    cell(r.statestore()),
                    cell(r.set()),
                    cell(r.legacy()),
                    100 * r.ratioToSet(),
                    r.ratioToLegacy()));
        }
        out.println();
        out.println("CPU per update, us (client JVM + redis-server, over the measured window; legacy: JVM only):");
        String cpuHead = String.format(
                Locale.ROOT,
                "%-10s %7s %7s | %-24s | %-24s | %-14s | %s",
                "op",
                "doc B",
                "clients",
                "statestore  client server",
                "SET  client server",
                "legacy",
                "SET/ss");
        out.println(cpuHead);
        for (Row r : rows) {
            Workload w = r.workload();
            out.println(String.format(
                    Locale.ROOT,
                    "%-10s %7d %7s | %s | %s | %14.1f | %5.0f%%",
                    w.op().label(),
                    r.docBytes(),
                    w.clients() + (w.hot() ? " hot" : ""),
                    cpuCell(r.statestore()),
                    cpuCell(r.set()),
                    r.legacy().cpuMicros(),
                    100 * r.set().cpuMicros() / r.statestore().cpuMicros()));
        }
        out.println();
        if (rows.stream().anyMatch(r -> r.floor() != null)) {
            printFloor(out, rows);
        }
        for (Verdict v : verdicts(rows)) {
            out.println(String.format(
                    Locale.ROOT,
                    "%s  %s (measured %s)",
                    v.status(),
                    v.name(),
                    v.actual()
                            .map(a -> v.threshold() < 1
                                    ? String.format(Locale.ROOT, "%.0f%%", 100 * a)
                                    : String.format(Locale.ROOT, "%.1fx", a))
                            .orElse("not run")));
        }
    }

    /**
     * The floor next to statestore and the two references: how far the contract's bare writes
     * get, so statestore's ratios can be read against what is reachable at all.
     */
    private static void printFloor(PrintStream out, List<Row> rows) {
        out.println("floor: one function call per update doing only the contract's writes (document, feed entry,"
                + " notification, metadata), nothing read or checked:");
        String head = String.format(
                Locale.ROOT,
                "%-10s %7s %7s | %-24s | %-24s | %8s %8s %11s",
                "op",
                "doc B",
                "clients",
                "floor/s p50 p99 us",
                "floor CPU client server",
                "fl/SET",
                "ss/fl",
                "fl/legacy");
        out.println(head);
        for (Row r : rows) {
            if (r.floor() == null) {
                continue;
            }
            Workload w = r.workload();
            out.println(String.format(
                    Locale.ROOT,
                    "%-10s %7d %7s | %s | %s | %7.0f%% %7.0f%% %10.1fx",
                    w.op().label(),
                    r.docBytes(),
                    w.clients() + (w.hot() ? " hot" : ""),
                    cell(r.floor()),
                    cpuCell(r.floor()),
                    100 * Row.ratio(r.floor(), r.set()),
                    100 * Row.ratio(r.statestore(), r.floor()),
                    Row.ratio(r.floor(), r.legacy())));
        }
        out.println();
    }

    private static String cell(CellResult c) {
        return String.format(Locale.ROOT, "%8.0f %6d %8d", c.opsPerSecond(), c.p50Nanos() / 1000, c.p99Nanos() / 1000);
    }

    private static String cpuCell(CellResult c) {
        return String.format(
                Locale.ROOT, "%6.1f = %6.1f + %6.1f", c.cpuMicros(), c.clientCpuNs() / 1000, c.serverCpuNs() / 1000);
    }

    static String json(Map<String, String> notes, List<Row> rows) {
        ObjectMapper m = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
        ObjectNode root = m.createObjectNode();
        ObjectNode n = root.putObject("setup");
        notes.forEach(n::put);
        ArrayNode arr = root.putArray("rows");
        for (Row r : rows) {
            ObjectNode o = arr.addObject();
            o.put("op", r.workload().op().label());
            o.put("sizeKb", r.workload().sizeKb());
            o.put("docBytes", r.docBytes());
            o.put("clients", r.workload().clients());
            o.put("hotDocument", r.workload().hot());
            cellJson(o.putObject("statestore"), r.statestore());
            cellJson(o.putObject("set"), r.set());
            cellJson(o.putObject("legacy"), r.legacy());
            if (r.floor() != null) {
                cellJson(o.putObject("floor"), r.floor());
            }
            o.put("ratioToSet", r.ratioToSet());
            o.put("ratioToLegacy", r.ratioToLegacy());
        }
        ArrayNode t = root.putArray("targets");
        for (Verdict v : verdicts(rows)) {
            ObjectNode o = t.addObject();
            o.put("name", v.name());
            o.put("threshold", v.threshold());
            v.actual().ifPresent(a -> o.put("measured", a));
            o.put("status", v.status());
        }
        try {
            return m.writeValueAsString(root);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    private static void cellJson(ObjectNode o, CellResult c) {
        o.put("opsPerSec", Math.round(c.opsPerSecond()));
        o.put("ops", c.ops());
        o.put("seconds", c.seconds());
        o.put("p50Micros", c.p50Nanos() / 1000.0);
        o.put("p99Micros", c.p99Nanos() / 1000.0);
        o.put("errors", c.errors());
        o.put("clientCpuMicrosPerOp", c.clientCpuNs() / 1000);
        o.put("serverCpuMicrosPerOp", c.serverCpuNs() / 1000);
    }
}
