package io.statestore.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.statestore.cli.Main;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/**
 * The benchmarks start redis-server and run FLUSHALL: they live in src/statestore/bench, compiled with the
 * tests, and stay out of what statestore.jar is built from (target/classes).
 */
class BenchMainTest {

    @Test
    void mainOutputHoldsNoBenchmarkCode() throws URISyntaxException {
        Path mainClasses = Path.of(
                Main.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        assertTrue(
                Files.isDirectory(mainClasses.resolve("io/statestore/cli")),
                "not the main output directory: " + mainClasses);
        assertFalse(
                Files.exists(mainClasses.resolve("io/statestore/bench")),
                "benchmark classes in " + mainClasses + ", which statestore.jar is built from (left by a build from"
                        + " before the benchmarks moved to src/statestore/bench? 'mvn clean' removes them)");
        Path benchClasses = Path.of(BenchMain.class
                .getProtectionDomain()
                .getCodeSource()
                .getLocation()
                .toURI());
        assertNotEquals(mainClasses, benchClasses);
    }

    @Test
    void everyBenchmarkIsASubcommandOfTheOneEntryPoint() {
        assertEquals(
                Set.of(
                        "store",
                        "watch",
                        "events",
                        "security",
                        "peers",
                        "series",
                        "dashboard",
                        "cluster",
                        "cluster-watch"),
                BenchMain.commandLine().getSubcommands().keySet());
    }

    @Test
    void everyBenchScriptRunsTheEntryPoint() throws Exception {
        for (String[] script : new String[][] {
            {"bench", "store"},
            {"bench-watch", "watch"},
            {"bench-events", "events"},
            {"bench-security", "security"},
            {"bench-peers", "peers"},
            {"bench-series", "series"},
            {"bench-dashboard", "dashboard"},
            {"bench", "cluster"}, // scripts/bench --cluster
            {"bench-cluster-watch", "cluster-watch"}
        }) {
            String text = Files.readString(Path.of("scripts", script[0]));
            assertTrue(
                    text.contains("-- " + script[1] + " "),
                    "scripts/" + script[0] + " does not run `bench " + script[1] + "`");
        }
        assertTrue(Files.readString(Path.of("scripts/lib/bench-java.sh")).contains("io.statestore.bench.BenchMain"));
    }

    @Test
    void helpExitsZeroAndABadOptionExitsTwoNamingIt() {
        for (String sub : new String[] {"store", "watch", "events", "security", "peers"}) {
            Run help = run(sub, "--help");
            assertEquals(0, help.code, sub + " --help");
            assertTrue(help.out.startsWith("Usage: bench " + sub), help.out);
        }
        Run bad = run("store", "--sizes", "1,0");
        assertEquals(2, bad.code);
        assertTrue(bad.err.contains("--sizes must be a comma-separated list of positive integers"), bad.err);
        Run conflict = run("store", "--redis", "redis://127.0.0.1:1", "--module", "json.so");
        assertEquals(2, conflict.code);
        assertTrue(conflict.err.contains("--module only applies to a server the benchmark starts"), conflict.err);
        Run unknownOp = run("store", "--ops", "put,delete");
        assertEquals(2, unknownOp.code);
        assertTrue(unknownOp.err.contains("--ops takes put, merge and increment, got \"delete\""), unknownOp.err);
        assertEquals(2, run("security", "--rounds", "many").code);
        Run unknownSystem = run("peers", "--systems", "everysec,consul");
        assertEquals(2, unknownSystem.code);
        assertTrue(
                unknownSystem.err.contains(
                        "--systems takes everysec, always, group, separate-reads, pooled, unchecked, etcd and nats, got \"consul\""),
                unknownSystem.err);
        Run unknownRow = run("peers", "--rows", "put,delete");
        assertEquals(2, unknownRow.code);
        assertTrue(unknownRow.err.contains("--rows takes put, cas, hot and watch, got \"delete\""), unknownRow.err);
        Run small = run("peers", "--size", "100");
        assertEquals(2, small.code);
        assertTrue(small.err.contains("--size must be at least 700 bytes"), small.err);
        Run none = run();
        assertEquals(2, none.code);
        assertTrue(none.err.contains("name a benchmark: store, watch, events, security, peers"), none.err);
    }

    private record Run(int code, String out, String err) {}

    private static Run run(String... args) {
        CommandLine cl = BenchMain.commandLine();
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        cl.setOut(new PrintWriter(out));
        cl.setErr(new PrintWriter(err));
        int code = cl.execute(args);
        return new Run(code, out.toString(), err.toString());
    }
}
