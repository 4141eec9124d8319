package io.statestore.bench;

import io.statestore.client.StateStore;
import io.statestore.client.StateStoreOptions;
import io.statestore.client.StorageMode;
import io.statestore.client.StrictJson;
import java.net.URI;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/**
 * statestore's update throughput and latency next to a plain Redis SET and the legacy
 * locked-JSON-file approach. Run it with {@code scripts/bench}; see docs/benchmarks.md.
 */
@Command(
        name = "store",
        description = "Updates/s and latency: statestore, plain SET and locked JSON files (scripts/bench).")
final class Benchmark implements Callable<Integer> {
    @Mixin
    private BenchArgs args;

    @Mixin
    private HelpOption help;

    @Override
    public Integer call() throws Exception {
        args.validate();
        return run(args);
    }

    static int run(BenchArgs args) throws Exception {
        RedisServer server = null;
        String uri = args.redisUrl();
        if (uri == null) {
            server = RedisServer.start(args.server(), args.module());
            uri = server.uri();
        }
        try {
            BenchRedis admin = new BenchRedis(URI.create(uri));
            if (args.redisUrl() != null && !args.allowFlushAll() && admin.dbSize() > 0) {
                System.err.println("bench: " + args.redisUrl() + " holds keys and every cell runs FLUSHALL;"
                        + " use an empty server or pass --allow-flushall");
                return 2;
            }
            return measure(args, uri, admin, server != null);
        } finally {
            if (server != null) {
                server.close();
            }
        }
    }

    private static int measure(BenchArgs args, String uri, BenchRedis admin, boolean started) throws Exception {
        int maxClients = Collections.max(args.clients());
        StateStoreOptions.Builder ob = StateStoreOptions.builder()
                .uri(uri)
                .writer("bench")
                .groupCommit(args.groupCommit())
                .combineWrites(args.combineWrites())
                .multiplexCalls(args.multiplexCalls())
                .poolSize(Math.max(StateStoreOptions.DEFAULT_POOL_SIZE, maxClients));
        if (args.forcePortable()) {
            ob.forceMode(StorageMode.PORTABLE);
        }
        List<Row> rows = new ArrayList<>();
        Map<String, String> notes;
        StateStore store = StateStore.connect(ob.build());
        admin.setStoreSettings(args.feedMaxLength(), args.jsonCheck()); // store settings since library v11
        try (StateStoreContender ss = new StateStoreContender(store, admin);
                RedisSetContender set =
                        new RedisSetContender(admin, Math.max(StateStoreOptions.DEFAULT_POOL_SIZE, maxClients));
                LegacyFileContender legacy = new LegacyFileContender(args.legacyDir());
                FloorContender floor = args.floor()
                        ? new FloorContender(
                                admin, Math.max(StateStoreOptions.DEFAULT_POOL_SIZE, maxClients), args.feedMaxLength())
                        : null) {
            notes = notes(args, ss, legacy, started);
            CellRunner runner =
                    new CellRunner(args.warmup(), args.seconds(), args.maxOps(), new CpuClock(admin.localPid()));
            List<Workload> workloads = workloads(args, maxClients);
            warmUpJit(
                    args,
                    workloads.get(0),
                    floor == null ? new Contender[] {ss, set, legacy} : new Contender[] {ss, set, legacy, floor});
            for (Workload w : workloads) {
                long t0 = System.nanoTime();
                CellResult a = runner.run(ss, w);
                CellResult b = runner.run(set, w);
                CellResult c = runner.run(legacy, w);
                CellResult d = floor == null ? null : runner.run(floor, w);
                System.err.printf(Locale.ROOT, "%-40s done in %.1f s%n", w.label(), (System.nanoTime() - t0) / 1e9);
                rows.add(new Row(
                        w,
                        Documents.size(
                                Documents.generate(w.targetBytes(), 0, StrictJson.mapper()), StrictJson.mapper()),
                        a,
                        b,
                        c,
                        d));
            }
            admin.flushAll();
        }
        if (args.json()) {
            System.out.println(Report.json(notes, rows));
        } else {
            Report.printTable(System.out, notes, rows);
        }
        boolean failedCalls = rows.stream()
                .anyMatch(r ->
                        r.statestore().errors() + r.set().errors() + r.legacy().errors() > 0);
        return failedCalls ? 1 : 0;
    }

    /**
     * Runs every contender once on the first workload, unrecorded, before the first cell: the
     * JIT compiles the hot paths of whichever contender runs first while it is measured, and
     * statestore always runs first.
     */
    private static void warmUpJit(BenchArgs args, Workload first, Contender... contenders) throws Exception {
        if (args.warmup() <= 0) {
            return;
        }
        CellRunner warm = new CellRunner(0, Math.max(1, 2 * args.warmup()), args.maxOps(), new CpuClock(-1));
        for (Contender c : contenders) {
            warm.run(c, first);
        }
    }

    static List<Workload> workloads(BenchArgs args, int maxClients) {
        List<Workload> out = new ArrayList<>();
        for (Workload.Operation op : args.ops()) {
            for (int size : args.sizesKb()) {
                for (int clients : args.clients()) {
                    out.add(new Workload(op, size, clients, false));
                }
            }
        }
        if (args.hotRow() && maxClients > 1) {
            out.add(new Workload(Workload.Operation.MERGE, 1, maxClients, true));
        }
        return out;
    }

    private static Map<String, String> notes(
            BenchArgs args, StateStoreContender ss, LegacyFileContender legacy, boolean started) {
        StateStore store = ss.store();
        Map<String, String> n = new LinkedHashMap<>();
        n.put(
                "server",
                store.serverVersion()
                        + (started
                                ? " started by the benchmark (" + args.server()
                                        + (args.module() == null ? "" : " --loadmodule " + args.module())
                                        + ") on 127.0.0.1, appendonly no, save \"\" (no persistence)"
                                : " at " + args.redisUrl() + " (persistence as configured there)"));
        n.put(
                "statestore mode",
                store.mode().name().toLowerCase(Locale.ROOT) + ", feedMaxLength "
                        + args.feedMaxLength() + ", JSON check " + (args.jsonCheck() ? "on" : "off") + ", pool "
                        + store.options().poolSize() + ", group commit "
                        + (store.options().groupCommit() ? "on" : "off") + ", combining "
                        + (store.options().combineWrites() ? "on" : "off") + ", calls "
                        + (store.options().multiplexCalls() ? "multiplexed" : "on pooled connections")
                        + ", FLUSHALL before every cell");
        n.put(
                "machine",
                Runtime.getRuntime().availableProcessors() + " CPUs seen by the JVM, Java "
                        + System.getProperty("java.version") + ", client and server on the same host");
        n.put(
                "cells",
                String.format(
                        Locale.ROOT,
                        "%.1f s warm-up + %.1f s measured (at most %d calls), closed loop",
                        args.warmup(),
                        args.seconds(),
                        args.maxOps()));
        n.put(
                "documents",
                "each client updates its own document, except the 'hot' row (all clients, one document);"
                        + " merge patch: 4 small fields; increment: +1 at " + Documents.COUNTER_PATH);
        n.put("SET", "plain Jedis SET of the document's bytes (serialized once), pooled connections");
        n.put(
                "legacy",
                "JSON file per document in " + args.legacyDir() + " (" + legacy.fileSystem() + "):"
                        + " lock, read + Jackson parse, modify, write temp, fsync, atomic rename (put skips read + parse)");
        return n;
    }
}
