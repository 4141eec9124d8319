package io.statestore.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;
import picocli.CommandLine;
import picocli.CommandLine.Model.ArgSpec;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.ParseResult;

/**
 * Every {@code --help}, at every depth, read as an operator would: it fits 100 columns, explains
 * each argument, lists the global options once (at the root), breaks no word across lines and
 * ends with an example that is a command line the parser accepts. No Redis: help needs none.
 */
class CliHelpTest {
    private static final String[] GLOBAL_ONLY = {
        "--sentinel-password-file",
        "--tls-ca",
        "--tls-cert",
        "--tls-key",
        "--tls-insecure-skip-verify",
        "--password-file=",
        "--redis=",
        "--user=",
        "[--debug]"
    };

    /** Each help rendered once: the checks below read the same text. */
    private static final Map<List<String>, String> HELP = new java.util.concurrent.ConcurrentHashMap<>();

    @TempDir
    Path dir;

    /** Every command of the tree by its words after "statestore" (the root is the empty list). */
    static Stream<List<String>> commands() {
        List<List<String>> all = new ArrayList<>();
        walk(TREE, new ArrayList<>(), all);
        return all.stream();
    }

    private static void walk(CommandLine cmd, List<String> path, List<List<String>> all) {
        all.add(List.copyOf(path));
        for (Map.Entry<String, CommandLine> e : cmd.getSubcommands().entrySet()) {
            if (e.getKey().equals(e.getValue().getCommandName())) { // an alias lists the same command again
                path.add(e.getKey());
                walk(e.getValue(), path, all);
                path.remove(path.size() - 1);
            }
        }
    }

    private static CommandLine newCommandLine() {
        CommandLine cli = new CommandLine(
                new Main(new CliIo(new ByteArrayInputStream(new byte[0]), System.out, System.err, Path.of(""))));
        Subcommands.addTo(cli); // names none: all of them
        return cli.setExpandAtFiles(false);
    }

    /** Read only: the specs the checks compare the help with. */
    private static final CommandLine TREE = newCommandLine();

    private static CommandSpec spec(List<String> path) {
        CommandLine cmd = TREE;
        for (String word : path) {
            cmd = cmd.getSubcommands().get(word);
        }
        return cmd.getCommandSpec();
    }

    private String help(List<String> path) {
        return HELP.computeIfAbsent(path, this::render);
    }

    private String render(List<String> path) {
        List<String> args = new ArrayList<>(path);
        args.add("--help");
        CliRunner.Result r = new CliRunner("redis://unused", dir).runRaw(new byte[0], args.toArray(String[]::new));
        assertEquals(0, r.exitCode(), r.toString());
        assertEquals("", r.err(), r.toString());
        return r.out();
    }

    private static String name(List<String> path) {
        return String.join(" ", path);
    }

    @Test
    void theTreeHasTheCommandsAtEveryDepth() {
        List<String> names = commands().map(CliHelpTest::name).toList();
        for (String expected :
                List.of("", "get", "events publish", "task tail", "functions install", "acl", "history policy set")) {
            assertTrue(names.contains(expected), expected + " in " + names);
        }
    }

    @ParameterizedTest
    @MethodSource("commands")
    void fitsOneHundredColumns(List<String> path) {
        for (String line : help(path).split("\n")) {
            assertTrue(
                    line.length() <= 100,
                    "statestore " + name(path) + " --help: " + line.length() + " columns: " + line);
        }
    }

    @ParameterizedTest
    @MethodSource("commands")
    void explainsEveryArgumentAndOption(List<String> path) {
        CommandSpec spec = spec(path);
        String help = help(path);
        List<ArgSpec> own = new ArrayList<>(spec.positionalParameters());
        own.addAll(CliHelp.shownOptions(spec));
        for (ArgSpec arg : own) {
            String what = arg.isOption() ? ((OptionSpec) arg).longestName() : arg.paramLabel();
            String text = String.join(" ", arg.description()).strip();
            assertFalse(text.isEmpty(), "statestore " + name(path) + ": " + what + " has no description");
            boolean negatable = arg.isOption() && ((OptionSpec) arg).negatable();
            assertTrue(
                    help.contains(negatable ? what.replace("--", "--[no-]") : what),
                    "statestore " + name(path) + " --help shows " + what + "\n" + help);
        }
        assertFalse(String.join(" ", spec.usageMessage().description()).isBlank(), "statestore " + name(path));
    }

    @ParameterizedTest
    @MethodSource("commands")
    void endsWithAnExampleTheParserAccepts(List<String> path) {
        String help = help(path);
        List<String> lines = List.of(help.split("\n"));
        int heading = Math.max(lines.lastIndexOf("Example:"), lines.lastIndexOf("Examples:"));
        assertTrue(heading > 0, "statestore " + name(path) + " --help ends with an example\n" + help);
        List<String> examples = lines.subList(heading + 1, lines.size());
        assertFalse(examples.isEmpty(), help);
        for (String example : examples) {
            assertTrue(
                    example.startsWith("  statestore "), "an indented command line, and nothing after it: " + example);
            List<String> words = new ArrayList<>(ShellWords.split(example.strip()));
            words = cutAtRedirection(words.subList(1, words.size()));
            ParseResult parsed = newCommandLine().parseArgs(words.toArray(String[]::new));
            while (parsed.hasSubcommand()) {
                parsed = parsed.subcommand();
            }
            String ran = parsed.commandSpec().qualifiedName(" ");
            String q = spec(path).qualifiedName(" ");
            boolean group = !spec(path).subcommands().isEmpty(); // its example may show one of its commands
            assertTrue(ran.equals(q) || (group && ran.startsWith(q + " ")), example + " runs " + ran);
        }
    }

    private static List<String> cutAtRedirection(List<String> words) {
        for (int i = 0; i < words.size(); i++) {
            if (List.of(">", "<", "|").contains(words.get(i))) {
                return words.subList(0, i);
            }
        }
        return words;
    }

    @Test
    void theRootListsEveryGlobalOption() {
        String help = help(List.of());
        for (OptionSpec o : spec(List.of()).options()) {
            assertTrue(help.contains(o.longestName()), o.longestName() + "\n" + help);
        }
        assertTrue(help.contains("Global options"), help);
        assertTrue(help.replaceAll("\\s+", " ").contains("Exit codes"), help);
    }

    @ParameterizedTest
    @MethodSource("commands")
    void aSubcommandNamesWhereTheGlobalOptionsAreInsteadOfRepeatingThem(List<String> path) {
        if (path.isEmpty()) {
            return;
        }
        String help = help(path);
        for (String global : GLOBAL_ONLY) {
            assertFalse(help.contains(global), "statestore " + name(path) + " --help repeats " + global + "\n" + help);
        }
        assertTrue(help.contains(CliHelp.GLOBAL_OPTIONS_NOTE), help);
    }

    @ParameterizedTest
    @ValueSource(strings = {"put", "merge", "set", "incr", "append", "del", "revert", "migrate", "events publish"})
    void commandsThatWriteShowTheWriterOption(String command) {
        assertTrue(help(List.of(command.split(" "))).contains("--writer=NAME"), command);
    }

    @ParameterizedTest
    @ValueSource(strings = {"get", "ls", "watch", "history", "status", "backup", "events tail", "functions status"})
    void readOnlyCommandsDoNotShowTheWriterOption(String command) {
        assertFalse(help(List.of(command.split(" "))).contains("--writer"), command);
    }

    /** A URL or a JSON field list wrapped mid-token ("redis-sentinel:" / "//HOST") cannot be copied. */
    @ParameterizedTest
    @MethodSource("commands")
    void noWordIsBrokenAcrossLines(List<String> path) {
        String help = help(path);
        for (String word : words(spec(path))) {
            assertTrue(help.contains(word), "statestore " + name(path) + " --help breaks \"" + word + "\"\n" + help);
        }
    }

    /** The words of the texts this help shows, with picocli's variables and format escapes left out. */
    private static List<String> words(CommandSpec spec) {
        List<String> texts = new ArrayList<>(Arrays.asList(spec.usageMessage().description()));
        texts.addAll(Arrays.asList(spec.usageMessage().footer()));
        for (ArgSpec arg : spec.positionalParameters()) {
            texts.addAll(Arrays.asList(arg.description()));
        }
        for (OptionSpec o : CliHelp.shownOptions(spec)) {
            texts.addAll(Arrays.asList(o.description()));
        }
        for (CommandLine sub : spec.subcommands().values()) {
            String[] d = sub.getCommandSpec().usageMessage().description();
            if (d.length > 0) {
                texts.add(d[0]);
            }
        }
        return texts.stream()
                .flatMap(t -> Arrays.stream(t.split("\\s+")))
                .filter(w -> !w.isEmpty() && !w.contains("${") && !w.contains("%"))
                .toList();
    }

    @Test
    void theSentinelUrlStaysOnOneLine() {
        assertTrue(help(List.of()).contains("redis-sentinel://HOST:PORT,HOST:PORT?master=NAME"));
    }

    @ParameterizedTest
    @MethodSource("commands")
    void noDescriptionEndsWithAColon(List<String> path) {
        CommandSpec spec = spec(path);
        Map<String, String[]> described = new LinkedHashMap<>();
        described.put("the command", spec.usageMessage().description());
        for (ArgSpec arg : spec.args()) {
            described.put(arg.isOption() ? ((OptionSpec) arg).longestName() : arg.paramLabel(), arg.description());
        }
        for (Map.Entry<String, String[]> e : described.entrySet()) {
            for (String text : e.getValue()) {
                assertFalse(text.strip().endsWith(":"), "statestore " + name(path) + ", " + e.getKey() + ": " + text);
            }
        }
    }

    /** A line may end in a colon only as a heading ("Commands:") or inside an example command line. */
    @ParameterizedTest
    @MethodSource("commands")
    void onlyHeadingsEndALineWithAColon(List<String> path) {
        List<String> headings = List.of(
                "Commands:", "Example:", "Examples:", "Exit codes:", "Global options (before or after the command):");
        for (String line : help(path).split("\n")) {
            assertTrue(
                    !line.endsWith(":") || headings.contains(line) || line.startsWith("  statestore "),
                    "statestore " + name(path) + " --help: " + line);
        }
    }

    @Test
    void theBackupFileArgumentIsExplained() {
        String help = help(List.of("backup"));
        assertTrue(help.contains("[FILE]"), help);
        assertTrue(help.contains("verify FILE") && help.contains("restore FILE"), help);
    }

    /** Only the rendering changed: a global option after the subcommand still reaches the root. */
    @Test
    void globalOptionsStillParseAfterTheSubcommand() {
        CommandLine cli = newCommandLine();
        cli.parseArgs("get", "quantum:status", "--redis", "redis://10.0.0.5:6479", "--debug", "--writer", "w1");
        Main main = cli.getCommand();
        assertEquals("redis://10.0.0.5:6479", main.redisUrl);
        assertTrue(main.debug());
        assertEquals("w1", main.writer);
    }
}
