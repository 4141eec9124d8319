package io.statestore.migrate;

import io.statestore.cli.Main;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/** Runs the CLI subcommands in-process and captures what they print. */
record Cli(int exit, String out, String err) {

    static Cli migrate(String redisUri, String... args) {
        return run("migrate", redisUri, args);
    }

    static Cli export(String redisUri, String... args) {
        return run("export", redisUri, args);
    }

    private static Cli run(String command, String redisUri, String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        List<String> all = new ArrayList<>(List.of(command));
        all.addAll(List.of(args));
        if (redisUri != null) {
            all.add("--redis");
            all.add(redisUri);
        }
        int exit = Main.run(
                new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8),
                all.toArray(String[]::new));
        return new Cli(exit, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    @Override
    public String toString() {
        return "exit " + exit + "\n--- stdout\n" + out + "\n--- stderr\n" + err;
    }
}
