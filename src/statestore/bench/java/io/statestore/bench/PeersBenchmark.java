package io.statestore.bench;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.statestore.client.StrictJson;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.function.Consumer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * statestore next to etcd and NATS JetStream KV (issue 20; docs/benchmarks.md, "The peers"):
 * puts, compare-and-set read-modify-writes on each thread's own key and on one hot key, and
 * watch delay, for statestore on redis-server with AOF everysec and always, etcd and NATS KV,
 * each on a server this command starts. The systems take turns within each row of each set
 * (the first system of a set rotates), so a burst of load on the shared machine falls on all.
 */
@Command(
        name = "peers",
        description =
                "statestore (AOF everysec and always) next to etcd and NATS JetStream KV, on servers it starts (scripts/bench-peers).")
final class PeersBenchmark implements Callable<Integer> {
    /** Where the servers' programs are. */
    record Binaries(String redis, String etcd, String nats) {}

    private static final int HOT_SEED = 1000;

    @Mixin
    private HelpOption help;

    @Spec
    private CommandSpec spec;

    @Option(
            names = "--sets",
            paramLabel = "N",
            defaultValue = "3",
            description = "Sets of all rows and systems; medians are taken over them (default ${DEFAULT-VALUE}).")
    private int sets;

    @Option(
            names = "--seconds",
            paramLabel = "S",
            defaultValue = "3",
            description = "Measured seconds per throughput cell (default ${DEFAULT-VALUE}).")
    private double seconds;

    @Option(
            names = "--warmup",
            paramLabel = "S",
            defaultValue = "1",
            description = "Unrecorded seconds before each throughput cell (default ${DEFAULT-VALUE}).")
    private double warmup;

    @Option(
            names = "--threads",
            paramLabel = "N",
            defaultValue = "16",
            description = "Client threads of the throughput rows (default ${DEFAULT-VALUE}).")
    private int threads;

    @Option(
            names = "--size",
            paramLabel = "BYTES",
            defaultValue = "1024",
            description = "Bytes of each JSON document, at least 700 (default ${DEFAULT-VALUE}).")
    private int size;

    @Option(
            names = "--rate",
            paramLabel = "N",
            defaultValue = "500",
            description = "Updates per second of the watch row (default ${DEFAULT-VALUE}).")
    private int rate;

    @Option(
            names = "--watch-seconds",
            paramLabel = "S",
            defaultValue = "5",
            description = "Seconds of updates per watch cell (default ${DEFAULT-VALUE}).")
    private double watchSeconds;

    @Option(
            names = "--quick",
            description =
                    "One short set (1 s cells, 0.5 s warm-up, 2 s of watch, the feed not filled first): checks the harness,"
                            + " measures nothing worth keeping.")
    private boolean quick;

    @Option(
            names = "--systems",
            paramLabel = "LIST",
            split = ",",
            defaultValue = "everysec,always,etcd,nats",
            description =
                    "Which systems, of everysec, always, etcd, nats, group (statestore, AOF everysec, the client's group commit on; not by default), separate-reads (statestore, AOF everysec, read combining off; not by default) pooled (statestore, AOF everysec, calls not multiplexed; not by default) and unchecked (statestore, AOF everysec, the store setting jsoncheck off: sizes the server's JSON check; not by default) (default ${DEFAULT-VALUE}).")
    private List<String> systemNames;

    @Option(
            names = "--rows",
            paramLabel = "LIST",
            split = ",",
            defaultValue = "put,cas,hot,watch",
            description =
                    "Which rows, of put, cas (own key), hot, watch (default ${DEFAULT-VALUE}); fewer for profiling one.")
    private List<String> rowNames;

    @Option(
            names = "--cold-feed",
            description =
                    "Measure statestore with its change feed still growing from empty (by default it is first filled to"
                            + " its length, as on a store that has run for a while).")
    private boolean coldFeed;

    @Option(
            names = "--redis-server",
            paramLabel = "PATH",
            description = "redis-server to run (default $STATESTORE_TEST_REDIS_SERVER or redis-server).")
    private String redisBinary;

    @Option(
            names = "--etcd",
            paramLabel = "PATH",
            defaultValue = "etcd",
            description = "etcd to run (default ${DEFAULT-VALUE}).")
    private String etcdBinary;

    @Option(
            names = "--nats-server",
            paramLabel = "PATH",
            defaultValue = "nats-server",
            description = "nats-server to run (default ${DEFAULT-VALUE}).")
    private String natsBinary;

    @Override
    public Integer call() throws Exception {
        List<PeerSystem> systems = validate();
        List<PeerRow> rows = rows();
        if (quick) {
            sets = 1;
            seconds = 1;
            warmup = 0.5;
            watchSeconds = 2;
            coldFeed = true; // filling 100,000 entries takes longer than the rest of a quick run
        }
        Binaries binaries = new Binaries(redisBinary(), etcdBinary, natsBinary);
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        out.printf(
                "peers benchmark: %d threads, %d-byte JSON documents, %d set(s) of %.1f s cells after %.1f s of warm-up,"
                        + " watch at %d updates/s for %.1f s; %d CPUs; load average at start %s%n",
                threads,
                size,
                sets,
                seconds,
                warmup,
                rate,
                watchSeconds,
                Runtime.getRuntime().availableProcessors(),
                loadAverage());
        Map<PeerSystem, Peer> peers = new EnumMap<>(PeerSystem.class);
        try {
            for (PeerSystem s : systems) {
                err.println("bench peers: starting " + s.option() + " ...");
                err.flush();
                peers.put(s, s.start(binaries));
            }
            Map<PeerSystem, String> names = new EnumMap<>(PeerSystem.class);
            peers.forEach((s, p) -> names.put(s, p.name()));
            out.println("versions: " + versions(binaries, systems));
            for (PeerSystem s : systems) {
                out.println("durability, " + peers.get(s).name() + ": "
                        + peers.get(s).durability());
            }
            out.println(
                    coldFeed
                            ? "statestore: the change feed starts empty and grows during the sets (--cold-feed)"
                            : "statestore: the change feed is filled to its length ("
                                    + StateStorePeer.DEFAULT_FEED_LENGTH
                                    + " entries) before the sets, as on a store that has run for a while");
            PeersTable table = new PeersTable(systems, names);
            out.flush();
            boolean failed = measure(systems, rows, peers, table, err);
            table.print(out, sets, rate);
            out.println();
            out.println("load average at end " + loadAverage());
            out.flush();
            return failed ? 1 : 0;
        } finally {
            for (Peer p : peers.values()) {
                try {
                    p.close();
                } catch (Exception e) {
                    err.println("bench peers: stopping " + p.name() + ": " + e);
                }
            }
        }
    }

    private List<PeerSystem> validate() {
        try {
            if (sets < 1 || threads < 1 || rate < 1 || seconds <= 0 || warmup < 0 || watchSeconds <= 0) {
                throw new IllegalArgumentException(
                        "--sets, --threads, --rate, --seconds and --watch-seconds must be positive,"
                                + " --warmup not negative");
            }
            if (size < 700) {
                throw new IllegalArgumentException(
                        "--size must be at least 700 bytes (the document's fixed fields), got " + size);
            }
            LinkedHashSet<PeerSystem> chosen = new LinkedHashSet<>();
            for (String n : systemNames) {
                chosen.add(PeerSystem.parse(n));
            }
            // the table's columns keep one order, whatever order they were named in
            return Arrays.stream(PeerSystem.values()).filter(chosen::contains).toList();
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), e.getMessage());
        }
    }

    private List<PeerRow> rows() {
        LinkedHashSet<PeerRow> chosen = new LinkedHashSet<>();
        for (String n : rowNames) {
            PeerRow row = PeerRow.byOption(n.trim());
            if (row == null) {
                throw new ParameterException(
                        spec.commandLine(), "--rows takes put, cas, hot and watch, got \"" + n.trim() + "\"");
            }
            chosen.add(row);
        }
        return Arrays.stream(PeerRow.values()).filter(chosen::contains).toList();
    }

    private String redisBinary() {
        if (redisBinary != null) {
            return redisBinary;
        }
        String env = System.getenv("STATESTORE_TEST_REDIS_SERVER");
        return env == null || env.isBlank() ? "redis-server" : env;
    }

    /** Runs every set; true when any call failed or any watched change never arrived. */
    private boolean measure(
            List<PeerSystem> systems,
            List<PeerRow> rows,
            Map<PeerSystem, Peer> peers,
            PeersTable table,
            PrintWriter err)
            throws Exception {
        boolean failed = false;
        long warmupMs = (long) (warmup * 1000);
        long measuredMs = (long) (seconds * 1000);
        for (PeerSystem s : systems) {
            Peer p = peers.get(s);
            prepare(p);
            if (!coldFeed) {
                err.println("bench peers: steady state of " + p.name() + " ...");
                err.flush();
                String done = p.steadyState(document(HOT_SEED + 2), threads);
                if (!done.isEmpty()) {
                    err.println("bench peers: " + p.name() + ": " + done);
                }
            }
            // Unrecorded: without it the first cells would pay for the JIT compiling each client's paths.
            err.println("bench peers: JIT warm-up of " + p.name());
            err.flush();
            ClosedLoop.run(threads, 0, warmupMs, p.serverPid(), call(PeerRow.PUT, p));
            ClosedLoop.run(threads, 0, warmupMs, p.serverPid(), call(PeerRow.CAS_OWN, p));
        }
        for (int set = 0; set < sets; set++) {
            List<PeerSystem> order = rotated(systems, set);
            err.printf("bench peers: set %d of %d, load average %s%n", set + 1, sets, loadAverage());
            for (PeerRow row : rows) {
                for (PeerSystem s : order) {
                    Peer peer = peers.get(s);
                    if (row.throughput()) {
                        ClosedLoop.Result r =
                                ClosedLoop.run(threads, warmupMs, measuredMs, peer.serverPid(), call(row, peer));
                        table.add(row, s, r);
                        err.printf(
                                "  %-40s %-40s %,10.0f/s  conflicts %d  errors %d%s%n",
                                row.title(),
                                peer.name(),
                                r.perSecond(),
                                r.conflicts(),
                                r.errors(),
                                r.firstError() == null ? "" : "  first: " + r.firstError());
                        failed |= r.errors() > 0;
                        err.flush();
                    } else {
                        WatchDelay.Result r =
                                WatchDelay.run(peer, document(HOT_SEED + 1), rate, (long) (watchSeconds * 1000));
                        table.add(s, r);
                        err.printf(
                                "  %-40s %-40s p50 %.3f ms  p99 %.3f ms  at %.0f/s  missing %d%n",
                                row.title(), peer.name(), r.p50() / 1e6, r.p99() / 1e6, r.rate(), r.missing());
                        failed |= r.missing() > 0;
                        err.flush();
                    }
                }
            }
        }
        return failed;
    }

    static <T> List<T> rotated(List<T> list, int by) {
        List<T> out = new ArrayList<>(list);
        java.util.Collections.rotate(out, -(by % Math.max(1, list.size())));
        return out;
    }

    /** Each thread's own document and the hot one exist before the first set, so every CAS has something to read. */
    private void prepare(Peer p) throws Exception {
        for (int t = 0; t < threads; t++) {
            p.put("c" + t, document(t));
        }
        p.put("hot", document(HOT_SEED));
    }

    private ObjectNode document(int seed) {
        return Documents.generate(size, seed, StrictJson.mapper());
    }

    private ClosedLoop.Call call(PeerRow row, Peer peer) {
        Consumer<ObjectNode> bump = d -> d.put("seq", d.path("seq").asLong() + 1);
        return switch (row) {
            case PUT -> {
                ObjectNode[] docs = new ObjectNode[threads];
                for (int t = 0; t < threads; t++) {
                    docs[t] = document(t);
                }
                yield (t, seq) -> {
                    docs[t].put("seq", seq);
                    peer.put("c" + t, docs[t]);
                    return true;
                };
            }
            case CAS_OWN -> (t, seq) -> peer.compareAndSet("c" + t, bump);
            case CAS_HOT -> (t, seq) -> peer.compareAndSet("hot", bump);
            case WATCH -> throw new IllegalArgumentException("the watch row is not a closed loop");
        };
    }

    static String loadAverage() {
        try {
            String[] f = Files.readString(Path.of("/proc/loadavg")).trim().split(" ");
            return f[0] + " " + f[1] + " " + f[2];
        } catch (IOException | RuntimeException e) {
            return "unknown";
        }
    }

    private static String versions(Binaries b, List<PeerSystem> systems) {
        List<String> out = new ArrayList<>();
        if (systems.contains(PeerSystem.EVERYSEC)
                || systems.contains(PeerSystem.ALWAYS)
                || systems.contains(PeerSystem.GROUP)
                || systems.contains(PeerSystem.SEPARATE_READS)
                || systems.contains(PeerSystem.POOLED)) {
            out.add(firstLine(b.redis(), "--version"));
        }
        if (systems.contains(PeerSystem.ETCD)) {
            out.add(firstLine(b.etcd(), "--version"));
        }
        if (systems.contains(PeerSystem.NATS)) {
            out.add(firstLine(b.nats(), "--version"));
        }
        return String.join("; ", out);
    }

    private static String firstLine(String... command) {
        try {
            Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
            try (InputStream in = p.getInputStream()) {
                String text = new String(in.readAllBytes(), StandardCharsets.UTF_8).strip();
                p.waitFor();
                return text.lines().findFirst().orElse(command[0]);
            }
        } catch (IOException e) {
            return command[0] + " (version unknown: " + e.getMessage() + ")";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return command[0];
        }
    }
}
