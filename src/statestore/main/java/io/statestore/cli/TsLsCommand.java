package io.statestore.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.statestore.client.Role;
import io.statestore.client.StrictJson;
import io.statestore.daemon.redis.RedisAdmin;
import io.statestore.daemon.series.Point;
import io.statestore.daemon.series.SeriesStore;
import java.io.PrintWriter;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(
        name = "ls",
        mixinStandardHelpOptions = true,
        description = "List the time series: name, newest sample, samples skipped, what it measures.")
final class TsLsCommand extends TsBase {
    @Option(names = "--json", description = "Print one JSON array.")
    boolean json;

    @Override
    public Integer call() {
        try (RedisAdmin admin = openAdmin()) {
            SeriesStore store = series(admin);
            PrintWriter out = out();
            ArrayNode all = StrictJson.mapper().createArrayNode();
            if (!json) {
                out.printf("%-40s %-24s %14s %8s  %s%n", "NAME", "LAST", "VALUE", "SKIPPED", "DESCRIPTION");
            }
            for (Map.Entry<String, String> e : store.series().entrySet()) {
                Optional<Point> last = store.latest(e.getKey());
                long skipped = store.skipped(e.getKey());
                if (json) {
                    ObjectNode o = all.addObject()
                            .put("name", e.getKey())
                            .put("description", e.getValue())
                            .put("skipped", skipped);
                    if (last.isPresent()) {
                        o.put("lastTime", last.get().time())
                                .put("lastValue", last.get().value());
                    }
                } else {
                    out.printf(
                            "%-40s %-24s %14s %8d  %s%n",
                            e.getKey(),
                            last.map(p -> Instant.ofEpochMilli(p.time()).toString())
                                    .orElse("-"),
                            last.map(p -> TsRangeCommand.number(p.value())).orElse("-"),
                            skipped,
                            e.getValue());
                }
            }
            if (json) {
                out.println(all.toString());
            }
        }
        return 0;
    }

    @Override
    protected Role role() {
        return Role.READER;
    }
}
