package io.statestore.cli;

import io.statestore.client.StrictJson;
import java.io.ByteArrayInputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

/**
 * The training run of the CLI's class-data-sharing archive ({@code scripts/cds-archive}): the JVM
 * records the classes loaded here and maps them, parsed and verified, into later runs (issue 17).
 * Given a Redis URL (a throwaway server: it writes and deletes the key {@code cds-training}), the
 * document commands run as they do for a user, replies and all; without one they run against a
 * port where nothing listens, which loads the client only up to the connection. Classes it misses
 * still load from the jar as before, so a thin training run only costs time.
 */
public final class CdsTraining {
    private static final String NOWHERE = "redis://127.0.0.1:1";
    private static final String KEY = "cds-training";

    private CdsTraining() {}

    public static void main(String... args) {
        CliLogging.install();
        String url = args.length > 0 ? args[0] : NOWHERE;
        PrintStream sink = new PrintStream(OutputStream.nullOutputStream(), true, StandardCharsets.UTF_8);
        String doc = "{\"name\":\"training\",\"n\":[1,2.5,-3e2,null,true,false],\"nested\":{\"s\":\"\\u00e9\\n\"}}";
        String[][] runs = {
            {"--version"},
            {"--help"},
            {"get", "--help"},
            {"functions", "install", "--redis", url},
            {"put", KEY, "--redis", url},
            {"get", KEY, "--redis", url},
            {"get", KEY, "--meta", "--redis", url},
            {"merge", KEY, doc, "--redis", url},
            {"ls", "--redis", url},
            {"del", KEY, "--redis", url},
            {"get", KEY, "--redis", url}, // not found
            {"get", KEY, "--redis", NOWHERE}, // unavailable
        };
        for (String[] run : runs) {
            CliIo io =
                    new CliIo(new ByteArrayInputStream(doc.getBytes(StandardCharsets.UTF_8)), sink, sink, Path.of(""));
            Main.run(io, run);
        }
        sink.println(StrictJson.write(StrictJson.parse(doc)));
    }
}
