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
 * It needs no Redis: the document commands run against a port where nothing listens, which loads
 * the parsing, the client and Jedis up to the connection; JSON is read and written directly.
 * Classes it misses still load from the jar as before, so a thin training run only costs time.
 */
public final class CdsTraining {
    private static final String NOWHERE = "redis://127.0.0.1:1";

    private CdsTraining() {
    }

    public static void main(String... args) {
        CliLogging.install();
        PrintStream sink = new PrintStream(OutputStream.nullOutputStream(), true, StandardCharsets.UTF_8);
        String doc = "{\"name\":\"training\",\"n\":[1,2.5,-3e2,null,true,false],\"nested\":{\"s\":\"\\u00e9\\n\"}}";
        String[][] runs = {
                {"--version"},
                {"--help"},
                {"get", "--help"},
                {"get", "training", "--redis", NOWHERE},
                {"get", "training", "--meta", "--redis", NOWHERE},
                {"merge", "training", doc, "--redis", NOWHERE},
                {"put", "training", "--redis", NOWHERE},
                {"del", "training", "--redis", NOWHERE},
                {"ls", "--redis", NOWHERE},
        };
        for (String[] run : runs) {
            CliIo io = new CliIo(new ByteArrayInputStream(doc.getBytes(StandardCharsets.UTF_8)), sink, sink, Path.of(""));
            Main.run(io, run);
        }
        sink.println(StrictJson.write(StrictJson.parse(doc)));
    }
}
