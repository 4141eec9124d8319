package io.statestore.cli;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.statestore.client.StrictJson;

/**
 * What one batch line did, printed as one JSON object: {@code line} (its number in the input),
 * {@code ok}, {@code exit} (the code the command would have exited with), {@code output} (what it
 * printed on stdout, without the last newline) and, on failure, {@code error} (the line it would
 * have printed on stderr). {@code passOn} is the rest of its stderr (a notice, a --debug stack
 * trace, a usage hint): it goes to the batch's stderr, not into the result.
 */
record BatchResult(int line, int exit, String output, String error, String passOn) {

    /** From what the command printed: the first stderr line of a failure is its error. */
    static BatchResult of(int line, int exit, String stdout, String stderr) {
        String output = stdout.endsWith("\n") ? stdout.substring(0, stdout.length() - 1) : stdout;
        if (exit == 0) {
            return new BatchResult(line, 0, output, null, stderr);
        }
        int nl = stderr.indexOf('\n');
        String error = nl < 0 ? stderr : stderr.substring(0, nl);
        String rest = nl < 0 ? "" : stderr.substring(nl + 1);
        if (error.isBlank()) {
            error = "statestore: the command exited with code " + exit + " and said nothing";
        }
        return new BatchResult(line, exit, output, error, rest);
    }

    boolean ok() {
        return exit == 0;
    }

    String toJson() {
        ObjectNode o = JsonNodeFactory.instance.objectNode();
        o.put("line", line);
        o.put("ok", ok());
        o.put("exit", exit);
        o.put("output", output);
        if (error != null) {
            o.put("error", error);
        }
        return StrictJson.write(o);
    }
}
