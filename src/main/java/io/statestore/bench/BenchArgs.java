package io.statestore.bench;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** Command-line options of the benchmark; {@link #parse} throws {@link UsageException} on bad input. */
record BenchArgs(String redisUrl, String server, String module, boolean allowFlushAll, boolean forcePortable,
                 boolean groupCommit, boolean floor,
                 double seconds, double warmup, long maxOps, List<Workload.Operation> ops, List<Integer> sizesKb,
                 List<Integer> clients, boolean hotRow, long feedMaxLength, boolean jsonCheck, Path legacyDir, boolean json,
                 boolean help) {

    static final String USAGE = """
            Usage: scripts/bench [options]
              --server BINARY     redis-server to start (default: redis-server from PATH)
              --module SO         load this JSON module into the started server (module mode)
              --redis URL         use this server instead of starting one; it must be empty,
                                  because every cell runs FLUSHALL (or pass --allow-flushall)
              --allow-flushall    let the benchmark FLUSHALL a non-empty --redis server
              --portable          force portable mode even when the server has a JSON module
              --group-commit      statestore with StateStoreOptions.groupCommit(true)
              --floor             also run "floor": one function call per update doing only the
                                  writes the contract needs (document, feed, notification,
                                  metadata), nothing read or checked; printed as its own table
              --seconds N         measured seconds per cell (default 3)
              --warmup N          warm-up seconds per cell, not recorded (default 1); before the first
                                  cell every contender also runs 2N s unrecorded, for the JIT
              --max-ops N         at most N measured calls per cell (default 2000000)
              --ops LIST          operations (default put,merge,increment)
              --sizes LIST        document sizes in KB (default 1,10,100)
              --clients LIST      concurrent clients (default 1,16)
              --no-hot            skip the hot-document row (16 clients merging into one document)
              --feed-max N        the store's feed length setting (default 10000)
              --json-check on|off the store's JSON check setting (default on; off: "trusted writers")
              --legacy-dir DIR    where the legacy files go (default: the system temp directory)
              --json              print the results as JSON on stdout (progress stays on stderr)
              -h, --help          this text
            """;

    static final class UsageException extends Exception {
        UsageException(String message) {
            super(message);
        }
    }

    static BenchArgs parse(String[] argv) throws UsageException {
        String redisUrl = null;
        String server = "redis-server";
        String module = null;
        boolean allowFlush = false;
        boolean portable = false;
        boolean groupCommit = false;
        boolean floor = false;
        double seconds = 3;
        double warmup = 1;
        long maxOps = 2_000_000;
        List<Workload.Operation> ops = List.of(Workload.Operation.values());
        List<Integer> sizes = List.of(1, 10, 100);
        List<Integer> clients = List.of(1, 16);
        boolean hot = true;
        long feedMax = 10_000;
        boolean jsonCheck = true;
        Path legacyDir = Path.of(System.getProperty("java.io.tmpdir"));
        boolean json = false;
        boolean help = false;
        for (int i = 0; i < argv.length; i++) {
            String a = argv[i];
            switch (a) {
                case "--redis" -> redisUrl = value(argv, ++i, a);
                case "--server" -> server = value(argv, ++i, a);
                case "--module" -> module = value(argv, ++i, a);
                case "--allow-flushall" -> allowFlush = true;
                case "--portable" -> portable = true;
                case "--group-commit" -> groupCommit = true;
                case "--floor" -> floor = true;
                case "--seconds" -> seconds = positive(value(argv, ++i, a), a);
                case "--warmup" -> warmup = nonNegative(value(argv, ++i, a), a);
                case "--max-ops" -> maxOps = (long) positive(value(argv, ++i, a), a);
                case "--ops" -> ops = operations(value(argv, ++i, a));
                case "--sizes" -> sizes = integers(value(argv, ++i, a), a);
                case "--clients" -> clients = integers(value(argv, ++i, a), a);
                case "--no-hot" -> hot = false;
                case "--feed-max" -> feedMax = (long) nonNegative(value(argv, ++i, a), a);
                case "--json-check" -> jsonCheck = onOff(value(argv, ++i, a), a);
                case "--legacy-dir" -> legacyDir = Path.of(value(argv, ++i, a));
                case "--json" -> json = true;
                case "-h", "--help" -> help = true;
                default -> throw new UsageException("unknown option " + a);
            }
        }
        if (redisUrl != null && module != null) {
            throw new UsageException("--module only applies to a server the benchmark starts; not with --redis");
        }
        return new BenchArgs(redisUrl, server, module, allowFlush, portable, groupCommit, floor, seconds, warmup, maxOps, ops, sizes,
                clients, hot, feedMax, jsonCheck, legacyDir, json, help);
    }

    private static String value(String[] argv, int i, String name) throws UsageException {
        if (i >= argv.length) {
            throw new UsageException(name + " needs a value");
        }
        return argv[i];
    }

    private static double number(String v, String name) throws UsageException {
        try {
            return Double.parseDouble(v);
        } catch (NumberFormatException e) {
            throw new UsageException(name + " must be a number, got \"" + v + "\"");
        }
    }

    private static double positive(String v, String name) throws UsageException {
        double d = number(v, name);
        if (!(d > 0)) {
            throw new UsageException(name + " must be positive, got \"" + v + "\"");
        }
        return d;
    }

    private static double nonNegative(String v, String name) throws UsageException {
        double d = number(v, name);
        if (!(d >= 0)) {
            throw new UsageException(name + " must not be negative, got \"" + v + "\"");
        }
        return d;
    }

    private static List<Integer> integers(String list, String name) throws UsageException {
        List<Integer> out = new ArrayList<>();
        for (String s : list.split(",")) {
            try {
                int n = Integer.parseInt(s.trim());
                if (n < 1) {
                    throw new NumberFormatException();
                }
                out.add(n);
            } catch (NumberFormatException e) {
                throw new UsageException(name + " must be a comma-separated list of positive integers, got \"" + list + "\"");
            }
        }
        return out;
    }

    private static List<Workload.Operation> operations(String list) throws UsageException {
        List<Workload.Operation> out = new ArrayList<>();
        for (String s : list.split(",")) {
            try {
                out.add(Workload.Operation.valueOf(s.trim().toUpperCase(Locale.ROOT)));
            } catch (IllegalArgumentException e) {
                throw new UsageException("--ops takes put, merge and increment, got \"" + s + "\"");
            }
        }
        return out;
    }

    private static boolean onOff(String v, String option) throws UsageException {
        return switch (v) {
            case "on" -> true;
            case "off" -> false;
            default -> throw new UsageException(option + " takes on or off, got \"" + v + "\"");
        };
    }
}
