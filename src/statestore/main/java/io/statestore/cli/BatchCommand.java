package io.statestore.cli;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;

@Command(
        name = "batch",
        mixinStandardHelpOptions = true,
        description = {
            "Run commands read from stdin, one per line, in one process over one connection;"
                    + " print one JSON result per line.",
            "A line is written as for a shell, without the leading statestore: merge app:cfg '{\"n\":1}'."
                    + " Blank lines and # comments are skipped. Global options (--redis, --writer...) go before batch"
                    + " and apply to every line."
        },
        footer = {
            "",
            "Each result: {\"line\":N,\"ok\":true,\"exit\":0,\"output\":\"what the command printed\"};",
            "a failure adds \"error\": the line the command would print on stderr.",
            "Exit code: 0 if every line succeeded, else that of the first failed line.",
            "Refused: batch, daemon, watch, events tail, task tail. No line reads stdin.",
            "commands.txt in the example holds lines such as: merge app:cfg '{\"phase\":\"idle\",\"n\":1}'"
        })
final class BatchCommand extends StoreCommand implements RecordsWriter {
    @Option(
            names = "--on-error",
            paramLabel = "stop|continue",
            defaultValue = "stop",
            description = "After a failed line: stop (the default: later lines may depend on it) or continue"
                    + " with the next line.")
    String onError;

    @Override
    public Integer call() throws IOException {
        boolean stop = stopOnError();
        PrintWriter out = out();
        PrintWriter err = spec.commandLine().getErr();
        InputStream in = new BufferedInputStream(stdin(), 1 << 16);
        int firstFailure = 0;
        try (SharedStores stores = new SharedStores(root()::openStore)) {
            BatchLines lines = new BatchLines(root(), stores);
            int number = 0;
            for (byte[] bytes = readLine(in); bytes != null; bytes = readLine(in)) {
                number++;
                BatchResult r = run(lines, number, bytes);
                if (r == null) {
                    continue;
                }
                out.println(r.toJson());
                out.flush(); // a script may read each result as soon as its line is done
                if (!r.passOn().isEmpty()) {
                    err.print(r.passOn());
                    err.flush();
                }
                if (!r.ok() && firstFailure == 0) {
                    firstFailure = r.exit();
                }
                if ((!r.ok() && stop) || stdoutClosed()) {
                    break;
                }
            }
        }
        return firstFailure;
    }

    private boolean stopOnError() {
        return switch (onError) {
            case "stop" -> true;
            case "continue" -> false;
            default ->
                throw new ParameterException(
                        spec.commandLine(), "--on-error must be stop or continue, not \"" + onError + "\"");
        };
    }

    private static BatchResult run(BatchLines lines, int number, byte[] bytes) {
        CharsetDecoder utf8 = StandardCharsets.UTF_8.newDecoder();
        String line;
        try {
            line = utf8.decode(ByteBuffer.wrap(bytes)).toString();
        } catch (CharacterCodingException e) {
            return BatchResult.of(
                    number, ErrorHandler.FAILURE, "", "statestore: line " + number + " is not valid UTF-8");
        }
        return lines.run(number, line);
    }

    /** The next line without its \n (or \r\n); null at the end of the input. */
    private static byte[] readLine(InputStream in) throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream(128);
        int b = in.read();
        if (b < 0) {
            return null;
        }
        while (b >= 0 && b != '\n') {
            line.write(b);
            b = in.read();
        }
        byte[] bytes = line.toByteArray();
        int n = bytes.length;
        return n > 0 && bytes[n - 1] == '\r' ? Arrays.copyOf(bytes, n - 1) : bytes;
    }
}
