package io.statestore.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.statestore.testing.RedisServerExtension;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * A one-shot command loads only what it needs (issue 17): picocli builds the named subcommand
 * alone, and get/put/merge run without logback, Quartz, YAML, Prometheus or daemon classes.
 */
class CliStartupTest {
    /** Packages a document command has no use for; each cost start-up time when it loaded. */
    private static final List<String> NOT_FOR_DOCUMENT_COMMANDS = List.of(
            "ch.qos.logback.",
            "org.quartz.",
            "org.yaml.snakeyaml.",
            "com.fasterxml.jackson.dataformat.yaml.",
            "io.prometheus.",
            "io.statestore.daemon.",
            "io.statestore.migrate.");

    @RegisterExtension
    static RedisServerExtension redis = RedisServerExtension.portable();

    @TempDir
    Path dir;

    private CommandLine top() {
        PrintStream ps = new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8);
        return new CommandLine(new Main(new CliIo(new ByteArrayInputStream(new byte[0]), ps, ps, dir)));
    }

    @Test
    void theCommandNameIsTheFirstWordThatIsNoGlobalOptionNorItsValue() {
        CommandLine.Model.CommandSpec spec = top().getCommandSpec();
        assertEquals("put", Subcommands.commandName(spec, "--redis", "get", "put", "k"));
        assertEquals("get", Subcommands.commandName(spec, "--redis=redis://h:1", "--debug", "get", "k"));
        assertEquals("merge", Subcommands.commandName(spec, "--writer", "daemon", "merge", "k", "{}"));
        assertNull(Subcommands.commandName(spec, "--help"));
        assertNull(Subcommands.commandName(spec, "--", "get"));
    }

    @Test
    void onlyTheNamedCommandIsBuiltAndAllWhenNoneOrAnUnknownOneIsNamed() {
        CommandLine named = top();
        Subcommands.addTo(named, "--redis", "redis://127.0.0.1:1", "events", "tail");
        assertEquals(Set.of("events"), named.getSubcommands().keySet());

        CommandLine none = top();
        Subcommands.addTo(none, "--help");
        assertEquals(Subcommands.ALL.size(), none.getSubcommands().size());

        CommandLine version = top();
        Subcommands.addTo(version, "--version");
        assertEquals(Set.of(), version.getSubcommands().keySet(), "statestore --version needs no command");

        CommandLine versionAndHelp = top();
        Subcommands.addTo(versionAndHelp, "-hV");
        assertEquals(Subcommands.ALL.size(), versionAndHelp.getSubcommands().size());

        CommandLine unknown = top();
        Subcommands.addTo(unknown, "gte", "k");
        assertEquals(Subcommands.ALL.size(), unknown.getSubcommands().size());
        assertTrue(unknown.getSubcommands().containsKey("get"), "a misspelling gets suggestions from every command");
    }

    @Test
    void documentCommandsLoadNoLoggingFrameworkSchedulerYamlOrDaemonClasses() throws Exception {
        assertEquals("1\n", run(List.of("put", "doc"), "{\"a\":1}\n").out);
        assertEquals("2\n", run(List.of("merge", "doc", "{\"b\":2}"), "").out);
        Run get = run(List.of("get", "doc"), "");
        assertEquals("{\"a\":1,\"b\":2}\n", get.out);
        for (Run r :
                List.of(run(List.of("put", "doc2"), "{}\n"), run(List.of("merge", "doc2", "{\"c\":3}"), ""), get)) {
            Set<String> heavy = r.loaded.stream()
                    .filter(c -> NOT_FOR_DOCUMENT_COMMANDS.stream().anyMatch(c::startsWith))
                    .collect(Collectors.toCollection(java.util.TreeSet::new));
            assertEquals(Set.of(), heavy, String.join(" ", r.args));
            assertTrue(r.loaded.contains("io.statestore.cli.CliLogging"), "the CLI's own slf4j binding is used");
        }
    }

    private record Run(List<String> args, String out, Set<String> loaded) {}

    /** Runs the CLI in a JVM of its own (as {@code statestore} does), logging every class it loads. */
    private Run run(List<String> args, String stdin) throws IOException, InterruptedException {
        Path classes = Files.createTempFile(dir, "classes", ".txt");
        List<String> cmd = new ArrayList<>(List.of(
                System.getProperty("java.home") + File.separator + "bin" + File.separator + "java",
                "-Xlog:class+load=info:file=" + classes,
                "-cp",
                System.getProperty("java.class.path"),
                "io.statestore.cli.Main",
                "--redis",
                redis.uri()));
        cmd.addAll(args);
        Process p = new ProcessBuilder(cmd)
                .redirectError(dir.resolve("stderr.txt").toFile())
                .start();
        p.getOutputStream().write(stdin.getBytes(StandardCharsets.UTF_8));
        p.getOutputStream().close();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), "the CLI ends");
        assertEquals(0, p.exitValue(), args + ": " + Files.readString(dir.resolve("stderr.txt")));
        Set<String> loaded = Files.readAllLines(classes).stream()
                .map(line -> line.replaceFirst("^\\[[^]]*\\]\\[[^]]*\\]\\[[^]]*\\] ", ""))
                .map(line -> line.split(" ", 2)[0])
                .collect(Collectors.toSet());
        return new Run(args, out, loaded);
    }
}
