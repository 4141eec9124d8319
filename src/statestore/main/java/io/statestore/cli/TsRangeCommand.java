package io.statestore.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.statestore.client.InvalidInputException;
import io.statestore.client.Role;
import io.statestore.client.StrictJson;
import io.statestore.daemon.redis.RedisAdmin;
import io.statestore.daemon.series.Aggregation;
import io.statestore.daemon.series.Point;
import io.statestore.daemon.series.SeriesReader;
import io.statestore.daemon.series.TimeWords;
import java.io.PrintWriter;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.List;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(
        name = "range",
        mixinStandardHelpOptions = true,
        description = "Print a series' samples between two times, raw or aggregated over buckets (--agg avg:1m).")
final class TsRangeCommand extends TsBase {
    @Parameters(index = "0", paramLabel = "SERIES", description = "The series name (statestore ts ls lists them).")
    String name;

    @Option(
            names = "--from",
            defaultValue = "-1h",
            description = "Start time, as now, -<duration> such as -1h, an ISO-8601 time"
                    + " or epoch ms; default ${DEFAULT-VALUE}.")
    String from;

    @Option(
            names = "--to",
            defaultValue = "now",
            description = "End time, in the same forms; default ${DEFAULT-VALUE}.")
    String to;

    @Option(
            names = "--agg",
            paramLabel = "FN:BUCKET",
            description = "avg, min, max, sum or count over buckets, e.g. avg:1m;" + " without it the raw samples.")
    String agg;

    @Option(names = "--json", description = "Print {\"name\":…, \"points\":[[epochMillis, value], …]}.")
    boolean json;

    @Override
    public Integer call() {
        long start;
        long end;
        Aggregation aggregation;
        try {
            start = TimeWords.parse(from, "--from", clock);
            end = TimeWords.parse(to, "--to", clock);
            aggregation = agg == null ? null : Aggregation.parse(agg);
        } catch (InvalidInputException e) {
            throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage());
        }
        if (start > end) {
            throw new CommandLine.ParameterException(
                    spec.commandLine(),
                    "--from (" + Instant.ofEpochMilli(start) + ") is after --to (" + Instant.ofEpochMilli(end) + ")");
        }
        List<Point> points;
        try (RedisAdmin admin = openAdmin()) {
            points = new SeriesReader(series(admin)).range(name, start, end, aggregation);
        }
        PrintWriter out = out();
        if (json) {
            ObjectNode o = StrictJson.mapper().createObjectNode().put("name", name);
            ArrayNode arr = o.putArray("points");
            for (Point p : points) {
                arr.addArray().add(p.time()).add(p.value());
            }
            out.println(o.toString());
        } else {
            for (Point p : points) {
                out.println(Instant.ofEpochMilli(p.time()) + " " + number(p.value()));
            }
        }
        return 0;
    }

    /** A value as a person reads it: 3, 2.5, 1200000 (never 1.2E6). */
    static String number(double v) {
        return BigDecimal.valueOf(v).stripTrailingZeros().toPlainString();
    }

    @Override
    public String subject() {
        return name;
    }

    @Override
    protected Role role() {
        return Role.READER;
    }
}
