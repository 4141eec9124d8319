package io.statestore.cli;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStreamWriter;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import picocli.CommandLine;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.ParseResult;
import picocli.CommandLine.ScopeType;

/**
 * Runs the lines of a batch through the CLI's own command tree (so syntax, validation, messages
 * and exit codes are those of the CLI), one tree for all lines: picocli resets every option to
 * its initial value before each parse, and building the tree per line would cost more than the
 * command. Each line's stdout and stderr are captured into its {@link BatchResult}.
 */
final class BatchLines {
    /** Commands that run until stopped or take over the terminal: a batch would hang on them. */
    private static final Map<String, String> REFUSED = Map.of(
            "batch", "a batch cannot run another batch",
            "daemon", "the daemon runs until stopped; start it on its own",
            "watch", "watch runs until stopped; run it on its own",
            "events tail", "events tail waits for events; run it on its own",
            "task tail", "task tail waits for the task's output; run it on its own");

    /** stdin holds the batch's lines, so no line may read it. */
    private static final InputStream NO_STDIN = new InputStream() {
        @Override
        public int read() throws IOException {
            throw new IOException("in a batch, stdin holds the command lines: give the JSON as FILE or @FILE,"
                    + " or as text on the line where the command takes it");
        }
    };

    private final Main batch;
    private final Main lineMain;
    private final CommandLine cli;
    private final ByteArrayOutputStream stdout = new ByteArrayOutputStream();
    private final ByteArrayOutputStream stderr = new ByteArrayOutputStream();
    private final PrintWriter out;
    private final PrintWriter err;

    BatchLines(Main batch, SharedStores stores) {
        this.batch = batch;
        PrintStream outStream = new PrintStream(stdout, true, StandardCharsets.UTF_8);
        PrintStream errStream = new PrintStream(stderr, true, StandardCharsets.UTF_8);
        lineMain = new Main(new CliIo(NO_STDIN, outStream, errStream, batch.io().workDir()));
        lineMain.shareStores(stores);
        out = new PrintWriter(new OutputStreamWriter(outStream, StandardCharsets.UTF_8), true);
        err = new PrintWriter(new OutputStreamWriter(errStream, StandardCharsets.UTF_8), true);
        cli = Main.commandLine(lineMain, out, err).setExecutionStrategy(this::execute);
    }

    /** Runs line {@code number}; null when it holds no command (blank, or a # comment). */
    BatchResult run(int number, String line) {
        List<String> words;
        try {
            words = ShellWords.split(line);
        } catch (ShellWords.UnbalancedQuote e) {
            return BatchResult.of(number, ErrorHandler.USAGE, "", "statestore: line " + number + ": " + e.getMessage());
        }
        if (!words.isEmpty() && words.get(0).equals("statestore")) {
            // lines copied from a shell script keep the program name; no command is called that
            words = words.subList(1, words.size());
        }
        if (words.isEmpty()) {
            return null;
        }
        stdout.reset();
        stderr.reset();
        int exit = cli.execute(words.toArray(String[]::new));
        out.flush();
        err.flush();
        return BatchResult.of(
                number, exit, stdout.toString(StandardCharsets.UTF_8), stderr.toString(StandardCharsets.UTF_8));
    }

    private int execute(ParseResult parsed) {
        ParseResult last = parsed;
        for (ParseResult p = parsed; p != null; p = p.subcommand()) {
            last = p;
            for (OptionSpec o : p.matchedOptions()) {
                // --debug only adds stack traces; every other global option would need connections of its own
                if (o.scopeType() == ScopeType.INHERIT && !o.longestName().equals("--debug")) {
                    err.println("statestore: " + o.longestName() + " cannot change within a batch: give it to the batch"
                            + " itself (statestore " + o.longestName() + (o.arity().max > 0 ? " " + o.paramLabel() : "")
                            + " batch)");
                    return ErrorHandler.USAGE;
                }
            }
        }
        String name = last.commandSpec()
                .qualifiedName(" ")
                .substring(last.commandSpec().root().name().length())
                .trim();
        String refusal = REFUSED.get(name);
        if (refusal != null) {
            err.println("statestore: " + name + ": not in a batch: " + refusal);
            return ErrorHandler.USAGE;
        }
        takeGlobalOptions();
        return new CommandLine.RunLast().execute(parsed);
    }

    /**
     * Gives the line the global options given to the batch (a line may not give its own, see
     * above): commands that read them from Main (status, backup, acl, export, migrate) must see
     * the batch's values, not the environment's defaults the line's parse set. Copied through
     * picocli's model, so a global option added later is copied too.
     */
    private void takeGlobalOptions() {
        for (OptionSpec from : batch.spec.options()) {
            OptionSpec to = lineMain.spec.findOption(from.longestName());
            if (from.scopeType() != ScopeType.INHERIT || to == null) {
                continue;
            }
            if (from.longestName().equals("--debug")) {
                to.setValue(Boolean.TRUE.equals(to.getValue()) || Boolean.TRUE.equals(from.getValue()));
            } else {
                to.setValue(from.getValue());
            }
        }
    }
}
