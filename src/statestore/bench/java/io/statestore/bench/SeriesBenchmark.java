package io.statestore.bench;

import io.statestore.client.StateStore;
import io.statestore.client.StateStoreOptions;
import io.statestore.daemon.config.DaemonConfig;
import io.statestore.daemon.redis.RedisAdmin;
import io.statestore.daemon.series.Aggregation;
import io.statestore.daemon.series.Retention;
import io.statestore.daemon.series.SeriesKeys;
import io.statestore.daemon.series.SeriesReader;
import io.statestore.daemon.series.SeriesSampler;
import io.statestore.daemon.series.SeriesStore;
import io.statestore.daemon.series.SeriesStores;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.function.IntSupplier;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.Pipeline;

/**
 * What reading and sampling time series costs on the portable layout (issue 21), each beside
 * its floor measured in the same run: a full series (a day of 10 s raw samples, 30 days of minute
 * buckets) read raw and aggregated against one bare ZRANGEBYSCORE of the same raw set; a sampling
 * run of N document series against N bare document reads. Medians of interleaved rounds, in ms.
 */
@Command(name = "series", description = "Time-series range reads and sampling runs vs their floors (issue 21).")
final class SeriesBenchmark implements Callable<Integer> {
    private static final long MIN = 60_000L;

    @Mixin
    private HelpOption help;

    @Option(
            names = "--rounds",
            paramLabel = "N",
            defaultValue = "15",
            description = "Rounds; medians (default ${DEFAULT-VALUE}).")
    private int rounds;

    @Option(
            names = "--series",
            paramLabel = "N",
            defaultValue = "100",
            description = "Document series sampled per run (default ${DEFAULT-VALUE}).")
    private int seriesCount;

    @Option(
            names = "--server",
            paramLabel = "BINARY",
            defaultValue = "redis-server",
            description = "redis-server to start (default: ${DEFAULT-VALUE} from PATH).")
    private String binary;

    @Override
    public Integer call() throws Exception {
        try (RedisServer server = RedisServer.start(binary, null);
                RedisAdmin admin = new RedisAdmin(StateStoreOptions.of(server.uri()));
                StateStore docs = StateStore.connect(StateStoreOptions.builder()
                        .uri(server.uri())
                        .writer("bench")
                        .build());
                Jedis j = new Jedis(java.net.URI.create(server.uri()))) {
            long now = Instant.parse("2026-12-06T00:00:00Z").toEpochMilli();
            SeriesStore store = SeriesStores.open(
                    admin, "ss:", Retention.DEFAULT, Clock.fixed(Instant.ofEpochMilli(now), ZoneOffset.UTC));
            SeriesReader reader = new SeriesReader(store);
            fill(j, new SeriesKeys("ss:"), "full", now);
            store.register("full", "bench");
            long dayAgo = now - Duration.ofDays(1).toMillis();
            long monthAgo = now - Duration.ofDays(30).toMillis();
            List<DaemonConfig.Sampled> defs = new ArrayList<>();
            for (int i = 0; i < seriesCount; i++) {
                docs.put("bench:" + i, Map.of("depth", i, "name", "doc " + i));
                defs.add(new DaemonConfig.Sampled(null, "bench:" + i, "$.depth", Duration.ofSeconds(1)));
            }
            MovingClock clock = new MovingClock(now);
            SeriesSampler sampler = new SeriesSampler(
                    store, new SeriesKeys("ss:"), admin, docs, defs, null, Duration.ofSeconds(10), clock);
            List<Row> rows = List.of(
                    new Row(
                            "floor: ZRANGEBYSCORE of a day of raw samples (8,640)",
                            () -> j.zrangeByScore("ss:ts:{full}:raw", dayAgo, now)
                                    .size()),
                    new Row(
                            "ts range, raw, one day",
                            () -> reader.range("full", dayAgo, now, null).size()),
                    new Row(
                            "ts range, avg:1m, one day",
                            () -> reader.range("full", dayAgo, now, Aggregation.parse("avg:1m"))
                                    .size()),
                    new Row(
                            "ts range, avg:1h, 30 days (minute buckets + raw)",
                            () -> reader.range("full", monthAgo, now, Aggregation.parse("avg:1h"))
                                    .size()),
                    new Row("floor: " + seriesCount + " document reads (StateStore.get)", () -> {
                        int n = 0;
                        for (DaemonConfig.Sampled d : defs) {
                            n += docs.get(d.key()).isPresent() ? 1 : 0;
                        }
                        return n;
                    }),
                    new Row("sampling run, " + seriesCount + " document series due", () -> {
                        clock.advance(1000); // a new 1 s window: every series is due
                        return sampler.sampleDue().sampled();
                    }));
            double[][] ms = new double[rows.size()][rounds];
            int[] sizes = new int[rows.size()];
            for (int r = 0; r < rounds; r++) {
                for (int i = 0; i < rows.size(); i++) {
                    long t0 = System.nanoTime();
                    sizes[i] = rows.get(i).work().getAsInt();
                    ms[i][r] = (System.nanoTime() - t0) / 1e6;
                }
            }
            System.out.printf("series benchmark: %d rounds (median), load average %s%n", rounds, loadAverage());
            System.out.printf("%-58s %10s %10s%n", "what", "median ms", "points");
            for (int i = 0; i < rows.size(); i++) {
                double[] sorted = ms[i].clone();
                Arrays.sort(sorted);
                System.out.printf("%-58s %10.2f %10d%n", rows.get(i).name(), sorted[sorted.length / 2], sizes[i]);
            }
        }
        return 0;
    }

    private record Row(String name, IntSupplier work) {}

    /** A day of 10 s raw samples and 30 days of minute buckets, written in the documented layout. */
    private static void fill(Jedis j, SeriesKeys keys, String name, long now) {
        Pipeline p = j.pipelined();
        long dayAgo = now - Duration.ofDays(1).toMillis();
        for (long t = dayAgo; t < now; t += 10_000) {
            p.zadd(keys.raw(name), t, t + ":" + (t / 10_000 % 100));
        }
        for (long m = now - Duration.ofDays(30).toMillis(); m < dayAgo; m += MIN) {
            p.zadd(keys.minute(name), m, m + ":270:6:40:50");
        }
        p.hset(keys.meta(name), "next", Long.toString(now - now % MIN)); // everything before this minute is folded
        p.sync();
    }

    private static String loadAverage() {
        try {
            return java.nio.file.Files.readString(java.nio.file.Path.of("/proc/loadavg"))
                    .split(" ", 4)[0];
        } catch (java.io.IOException e) {
            return "?";
        }
    }

    /** A clock the sampling rows move forward, so that every run finds each series due. */
    private static final class MovingClock extends Clock {
        private long now;

        MovingClock(long start) {
            now = start;
        }

        void advance(long ms) {
            now += ms;
        }

        @Override
        public Instant instant() {
            return Instant.ofEpochMilli(now);
        }

        @Override
        public java.time.ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }
    }
}
