package io.statestore.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.statestore.client.ChangeEvent;
import io.statestore.client.StateStore;
import io.statestore.client.StateStoreOptions;
import io.statestore.client.WatchListener;
import io.statestore.client.WatchOptions;
import io.statestore.client.Watcher;
import io.statestore.client.spi.FunctionCalls;
import io.statestore.client.spi.KeyLayout;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import redis.clients.jedis.DefaultJedisClientConfig;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.Pipeline;

/**
 * The dashboard's cost and speed (docs/benchmarks.md, "The dashboard"): the daemon's memory
 * without HTTP (the baseline), with the dashboard idle, and with live pages open while a writer
 * commits at a fixed rate; the live feed's delay from commit to the page's socket beside a plain
 * client watcher's (the baseline); the document browser's load on many keys beside one
 * {@code /health} round trip. The daemon runs as its own process, as in production.
 */
@Command(name = "dashboard", description = "Dashboard memory, live-feed delay and page load (scripts/bench-dashboard).")
final class DashboardBenchmark implements Callable<Integer> {
    private static final ObjectMapper JSON = new ObjectMapper();

    @Mixin
    private HelpOption help;

    @Option(
            names = "--rate",
            paramLabel = "N",
            defaultValue = "1000",
            description = "Changes per second (default ${DEFAULT-VALUE}).")
    private int rate;

    @Option(
            names = "--seconds",
            paramLabel = "N",
            defaultValue = "20",
            description = "Seconds of changes (default ${DEFAULT-VALUE}).")
    private int seconds;

    @Option(
            names = "--pages",
            paramLabel = "N",
            defaultValue = "5",
            description = "Live pages open (default ${DEFAULT-VALUE}).")
    private int pages;

    @Option(
            names = "--keys",
            paramLabel = "N",
            defaultValue = "100000",
            description = "Documents for the page-load figure (default ${DEFAULT-VALUE}).")
    private int keys;

    @Option(
            names = "--heap",
            paramLabel = "SIZE",
            defaultValue = "256m",
            description = "The daemon's -Xmx (default ${DEFAULT-VALUE}).")
    private String heap;

    @Option(
            names = "--writers",
            paramLabel = "N",
            defaultValue = "8",
            description =
                    "Writer threads sharing the rate (default ${DEFAULT-VALUE}); one synchronous writer cannot reach 1,000/s on a loaded machine.")
    private int writers;

    @Override
    public Integer call() throws Exception {
        System.out.printf(
                "dashboard benchmark: daemon -Xmx%s; %d live pages at %d changes/s for %d s; page load on %,d keys; load average %s%n",
                heap,
                pages,
                rate,
                seconds,
                keys,
                Files.readString(Path.of("/proc/loadavg")).strip());
        Footprint baseline;
        try (DaemonRun plain = DaemonRun.start(heap, false)) {
            baseline = plain.footprint();
        }
        try (DaemonRun dash = DaemonRun.start(heap, true)) {
            Footprint idle = dash.footprint();
            bulk(dash, keys);
            pageLoad(dash);
            Footprint live = liveFeed(dash);
            System.out.printf(
                    "%nmemory after a full GC, MB (RSS; Java heap used; committed by the JVM (NMT): total, heap, class, threads, code)%n");
            baseline.print("daemon without HTTP (baseline)", baseline);
            idle.print("with the dashboard, idle", baseline);
            live.print("with " + pages + " live pages under load", baseline);
        }
        System.out.printf(
                "load average after: %s%n",
                Files.readString(Path.of("/proc/loadavg")).strip());
        return 0;
    }

    /** {@code n} documents under {@code load:} through ss_put, pipelined. */
    private static void bulk(DaemonRun d, int n) throws IOException {
        FunctionCalls calls = new FunctionCalls(new KeyLayout("ss:"));
        FunctionCalls.Writer w = new FunctionCalls.Writer("bench", "string", null, null);
        try (Jedis j = new Jedis(
                new HostAndPort("127.0.0.1", d.redisPort),
                DefaultJedisClientConfig.builder()
                        .user("writer")
                        .password(d.password("writer"))
                        .build())) {
            Pipeline p = j.pipelined();
            for (int i = 0; i < n; i++) {
                FunctionCalls.Call c =
                        calls.put("load:" + (i % 100) + ":" + i, "put", "{\"i\":" + i + "}", null, null, w);
                p.fcall(c.function(), c.keys(), c.args());
                if (i % 5000 == 4999) {
                    p.sync();
                }
            }
            p.sync();
        }
    }

    /** What the Documents page fetches on load (page, scripts, session, tree, first key page), against one /health. */
    private static void pageLoad(DaemonRun d) throws Exception {
        Http http = Http.login(d.httpPort, "reader", d.password("reader"));
        List<String> page = List.of(
                "/",
                "/app.css",
                "/app.js",
                "/documents.js",
                "/api/session",
                "/api/tree",
                "/api/keys?limit=100",
                "/api/tree?prefix=load:");
        int rounds = 20;
        long[] load = new long[rounds];
        long[] health = new long[rounds];
        for (int r = -3; r < rounds; r++) { // three warm-up rounds
            long t0 = System.nanoTime();
            for (String p : page) {
                http.get(p);
            }
            long t1 = System.nanoTime();
            http.get("/health");
            long t2 = System.nanoTime();
            if (r >= 0) {
                load[r] = t1 - t0;
                health[r] = t2 - t1;
            }
        }
        Percentiles l = Percentiles.of(load, rounds);
        Percentiles h = Percentiles.of(health, rounds);
        System.out.printf(
                "%npage load of the document browser (%d requests, sequential; %d rounds)%n", page.size(), rounds);
        System.out.printf(
                "  GET /health (baseline)                p50 %6.1f ms  p95 %6.1f ms%n", h.at(50) / 1e6, h.at(95) / 1e6);
        System.out.printf(
                "  Documents page, all requests          p50 %6.1f ms  p95 %6.1f ms%n", l.at(50) / 1e6, l.at(95) / 1e6);
    }

    /** Pages and a plain watcher follow a paced writer; returns the daemon's RSS taken half way. */
    private Footprint liveFeed(DaemonRun d) throws Exception {
        int n = rate * seconds;
        Http http = Http.login(d.httpPort, "reader", d.password("reader"));
        long[][] pageDelay = new long[pages][n + 1000];
        AtomicInteger[] pageCount = new AtomicInteger[pages];
        List<WebSocket> sockets = new ArrayList<>();
        for (int p = 0; p < pages; p++) {
            pageCount[p] = new AtomicInteger();
            sockets.add(http.live("?prefix=live:", new Page(pageDelay[p], pageCount[p])));
        }
        long[] watchDelay = new long[n + 1000];
        AtomicInteger watchCount = new AtomicInteger();
        StateStoreOptions opts = StateStoreOptions.builder()
                .uri("redis://127.0.0.1:" + d.redisPort)
                .user("writer")
                .passwordFile(d.data.resolve("secrets/writer.password"))
                .writer("bench")
                .build();
        Footprint mid;
        try (StateStore store = StateStore.connect(opts)) {
            Watcher watcher = store.watch()
                    .watch(
                            WatchOptions.builder()
                                    .prefix("live:")
                                    .snapshot(false)
                                    .build(),
                            new WatchListener() {
                                @Override
                                public void onEvent(ChangeEvent e) {
                                    int i = watchCount.getAndIncrement();
                                    if (i < watchDelay.length) {
                                        watchDelay[i] = System.currentTimeMillis()
                                                - e.time().toEpochMilli();
                                    }
                                }
                            });
            long start = System.nanoTime();
            long interval = 1_000_000_000L * writers / rate;
            int perWriter = n / writers;
            // the measured changes first; then the same rate goes on while the footprint is taken,
            // so that jcmd's pauses and processes fall outside the delays reported
            int extra = perWriter / 2;
            java.util.concurrent.CountDownLatch measured = new java.util.concurrent.CountDownLatch(writers);
            java.util.concurrent.atomic.AtomicBoolean footprintTaken = new java.util.concurrent.atomic.AtomicBoolean();
            List<Thread> threads = new ArrayList<>();
            for (int w = 0; w < writers; w++) {
                int id = w;
                Thread t = new Thread(
                        () -> {
                            for (int i = 0; i < perWriter + extra && !(i >= perWriter && footprintTaken.get()); i++) {
                                if (i == perWriter) {
                                    measured.countDown();
                                }
                                long wait = start + i * interval - System.nanoTime();
                                if (wait > 0) {
                                    LockSupport.parkNanos(wait);
                                }
                                store.put("live:" + id + ":" + (i % 10), Map.of("i", i));
                            }
                        },
                        "writer-" + w);
                t.start();
                threads.add(t);
            }
            measured.await();
            double achieved = perWriter * writers / ((System.nanoTime() - start) / 1e9);
            n = perWriter * writers;
            mid = d.footprint();
            footprintTaken.set(true);
            for (Thread t : threads) {
                t.join();
            }
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (System.nanoTime() < deadline && (watchCount.get() < n || minCount(pageCount) < n)) {
                LockSupport.parkNanos(10_000_000);
            }
            watcher.close();
            for (WebSocket s : sockets) {
                s.sendClose(WebSocket.NORMAL_CLOSURE, "done");
            }
            System.out.printf(
                    "%nlive feed: %,d changes at %.0f/s achieved, delay from commit (Redis time) to arrival, ms%n",
                    n, achieved);
            print("client watcher in the bench JVM (baseline)", watchDelay, Math.min(watchCount.get(), n));
            for (int p = 0; p < pages; p++) {
                print("live page " + (p + 1) + " (WebSocket)", pageDelay[p], Math.min(pageCount[p].get(), n));
            }
        }
        return mid;
    }

    /** What the daemon's process holds, after a full GC. */
    private record Footprint(long rss, long heapUsed, Map<String, Long> committed) {
        void print(String what, Footprint base) {
            System.out.printf(
                    "  %-36s RSS %6.1f (%+6.1f)  heap used %5.1f (%+5.1f)  committed %6.1f: heap %5.1f class %5.1f threads %5.1f code %5.1f%n",
                    what,
                    rss / 1e6,
                    (rss - base.rss) / 1e6,
                    heapUsed / 1e6,
                    (heapUsed - base.heapUsed) / 1e6,
                    mb("Total"),
                    mb("Java Heap"),
                    mb("Class"),
                    mb("Thread"),
                    mb("Code"));
        }

        private double mb(String category) {
            return committed.getOrDefault(category, 0L) / 1e6;
        }
    }

    private static int minCount(AtomicInteger[] counts) {
        int min = Integer.MAX_VALUE;
        for (AtomicInteger c : counts) {
            min = Math.min(min, c.get());
        }
        return min;
    }

    private static void print(String what, long[] delays, int count) {
        Percentiles p = Percentiles.of(delays, count);
        System.out.printf("  %-42s n=%,6d  p50 %4d  p99 %4d  max %5d%n", what, count, p.at(50), p.at(99), p.at(100));
    }

    /** A live page's socket: the delay of each change from its commit time to its arrival here. */
    private static final class Page implements WebSocket.Listener {
        private final long[] delays;
        private final AtomicInteger count;
        private final StringBuilder partial = new StringBuilder();

        Page(long[] delays, AtomicInteger count) {
            this.delays = delays;
            this.count = count;
        }

        @Override
        public CompletionStage<?> onText(WebSocket ws, CharSequence data, boolean last) {
            partial.append(data);
            if (last) {
                long now = System.currentTimeMillis();
                try {
                    for (JsonNode c : JSON.readTree(partial.toString()).get("changes")) {
                        int i = count.getAndIncrement();
                        if (i < delays.length) {
                            delays[i] = now - c.get("time").asLong();
                        }
                    }
                } catch (IOException e) {
                    throw new IllegalStateException(e);
                }
                partial.setLength(0);
            }
            ws.request(1);
            return null;
        }
    }

    /** A logged-in HTTP client of the dashboard. */
    private record Http(HttpClient client, String base, String cookie) {
        static Http login(int port, String role, String password) throws Exception {
            HttpClient c = HttpClient.newHttpClient();
            String base = "http://127.0.0.1:" + port;
            HttpResponse<String> r = c.send(
                    HttpRequest.newBuilder(URI.create(base + "/login"))
                            .POST(HttpRequest.BodyPublishers.ofString(
                                    JSON.writeValueAsString(Map.of("role", role, "password", password))))
                            .header("Content-Type", "application/json")
                            .build(),
                    HttpResponse.BodyHandlers.ofString());
            if (r.statusCode() != 200) {
                throw new IllegalStateException("login failed: " + r.body());
            }
            String set = r.headers().firstValue("Set-Cookie").orElseThrow();
            return new Http(c, base, set.substring(0, set.indexOf(';')));
        }

        void get(String path) throws Exception {
            HttpResponse<byte[]> r = client.send(
                    HttpRequest.newBuilder(URI.create(base + path))
                            .header("Cookie", cookie)
                            .build(),
                    HttpResponse.BodyHandlers.ofByteArray());
            if (r.statusCode() != 200) {
                throw new IllegalStateException(path + " answered " + r.statusCode());
            }
        }

        WebSocket live(String query, WebSocket.Listener listener) throws Exception {
            return client.newWebSocketBuilder()
                    .header("Cookie", cookie)
                    .buildAsync(URI.create(base.replace("http:", "ws:") + "/ws/live" + query), listener)
                    .get(30, TimeUnit.SECONDS);
        }
    }

    /** The daemon in its own JVM (the test classpath's statestore CLI), with an embedded redis-server. */
    private static final class DaemonRun implements AutoCloseable {
        final Path dir;
        final Path data;
        final int redisPort;
        final int httpPort;
        final Process process;

        private DaemonRun(Path dir, int redisPort, int httpPort, Process process) {
            this.dir = dir;
            this.data = dir.resolve("data");
            this.redisPort = redisPort;
            this.httpPort = httpPort;
            this.process = process;
        }

        static DaemonRun start(String heap, boolean http) throws Exception {
            Path dir = Files.createTempDirectory("bench-dashboard");
            int redisPort = freePort();
            int httpPort = freePort();
            Path cfg = dir.resolve("statestore.yaml");
            Files.writeString(cfg, """
                    dataDir: %s
                    embedded:
                      port: %d
                    http:
                      enabled: %s
                      port: %d
                    """.formatted(dir.resolve("data"), redisPort, http, httpPort));
            Process p = new ProcessBuilder(
                            Path.of(System.getProperty("java.home"), "bin", "java")
                                    .toString(),
                            "-Xmx" + heap,
                            "-XX:+UseSerialGC",
                            "-XX:NativeMemoryTracking=summary",
                            "-cp",
                            System.getProperty("java.class.path"),
                            "io.statestore.cli.Main",
                            "daemon",
                            "-c",
                            cfg.toString())
                    .redirectErrorStream(true)
                    .redirectOutput(dir.resolve("daemon.out").toFile())
                    .start();
            DaemonRun run = new DaemonRun(dir, redisPort, httpPort, p);
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
            while (!Files.readString(dir.resolve("daemon.out")).contains(" started: ")) {
                if (!p.isAlive() || System.nanoTime() > deadline) {
                    throw new IllegalStateException(
                            "the daemon did not start: " + Files.readString(dir.resolve("daemon.out")));
                }
                LockSupport.parkNanos(50_000_000);
            }
            return run;
        }

        String password(String role) throws IOException {
            return Files.readString(data.resolve("secrets").resolve(role + ".password"))
                    .strip();
        }

        /** RSS, heap used and the JVM's committed memory by category, after a full GC and a few seconds to settle. */
        Footprint footprint() throws Exception {
            LockSupport.parkNanos(TimeUnit.SECONDS.toNanos(5));
            jcmd("GC.run");
            LockSupport.parkNanos(TimeUnit.SECONDS.toNanos(1));
            long rss = 0;
            for (String line : Files.readAllLines(Path.of("/proc/" + process.pid() + "/status"))) {
                if (line.startsWith("VmRSS:")) {
                    rss = Long.parseLong(line.replaceAll("\\D", "")) * 1024;
                }
            }
            long used = 0;
            java.util.regex.Matcher m = java.util.regex.Pattern.compile("generation\\s+total \\d+K, used (\\d+)K")
                    .matcher(jcmd("GC.heap_info"));
            while (m.find()) {
                used += Long.parseLong(m.group(1)) * 1024;
            }
            Map<String, Long> committed = new java.util.HashMap<>();
            java.util.regex.Matcher c = java.util.regex.Pattern.compile(
                            "^-?\\s*(Total|Java Heap|Class|Thread|Code)\\b.*?committed=(\\d+)KB",
                            java.util.regex.Pattern.MULTILINE)
                    .matcher(jcmd("VM.native_memory", "summary"));
            while (c.find()) {
                committed.putIfAbsent(c.group(1), Long.parseLong(c.group(2)) * 1024);
            }
            return new Footprint(rss, used, committed);
        }

        private String jcmd(String... command) throws Exception {
            List<String> cmd = new ArrayList<>(List.of(
                    Path.of(System.getProperty("java.home"), "bin", "jcmd").toString(), Long.toString(process.pid())));
            cmd.addAll(List.of(command));
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
            p.waitFor(60, TimeUnit.SECONDS);
            return out;
        }

        @Override
        public void close() throws Exception {
            process.destroy();
            if (!process.waitFor(60, TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        }

        private static int freePort() throws IOException {
            try (ServerSocket s = new ServerSocket(0)) {
                return s.getLocalPort();
            }
        }
    }
}
