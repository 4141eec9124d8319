package io.statestore.cli;

import com.fasterxml.jackson.databind.JsonNode;
import io.statestore.client.StrictJson;
import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

/**
 * Reads JSON values from the command line strictly: argument text, {@code @FILE} (the JSON in
 * FILE), {@code @-} or {@code -} (stdin). No JSON text starts with {@code @}, so an argument that
 * does always names a file. picocli's own @-file expansion is off ({@link Main}), so this is the
 * only place where {@code @} means anything, and only for JSON value arguments.
 */
final class JsonInput {
    private JsonInput() {}

    /** A document argument: {@code FILE}, {@code @FILE}, or {@code -}/{@code @-}/null for stdin. */
    static JsonNode fileOrStdin(StoreCommand cmd, String file) {
        if (file == null || file.equals("-")) {
            return stdin(cmd);
        }
        if (file.startsWith("@")) {
            return atFile(cmd, file);
        }
        return StrictJson.parse(readFile(cmd, file, "file " + file), "file " + file);
    }

    /** A JSON value argument: JSON text, or {@code @FILE} ({@code @-} for stdin); {@code what} names the argument. */
    static JsonNode textOrFile(StoreCommand cmd, String arg, String what) {
        if (arg.startsWith("@")) {
            return atFile(cmd, arg);
        }
        return StrictJson.parse(arg, what);
    }

    private static JsonNode atFile(StoreCommand cmd, String arg) {
        String file = arg.substring(1);
        if (file.isEmpty()) {
            throw new CliException("cannot read @: a file name must follow @ (@FILE, or @- for stdin)");
        }
        if (file.equals("-")) {
            return stdin(cmd);
        }
        // Read errors name the argument as typed; parse errors name the file as for put's FILE.
        return StrictJson.parse(readFile(cmd, file, arg), "file " + file);
    }

    private static JsonNode stdin(StoreCommand cmd) {
        if (cmd.stdin() == System.in && System.console() != null) {
            // Waiting silently on a terminal looks like a hang; say what is expected (stderr, not data).
            cmd.spec.commandLine().getErr().println("statestore: reading JSON from stdin (end with Ctrl-D)");
        }
        try {
            return StrictJson.parse(cmd.stdin().readAllBytes(), "stdin");
        } catch (IOException e) {
            throw new CliException("cannot read stdin: " + e.getMessage(), e);
        }
    }

    /** {@code named} is how error messages name the file ("file x.json", "@x.json"). */
    private static byte[] readFile(StoreCommand cmd, String file, String named) {
        Path path = cmd.file(file);
        try {
            return Files.readAllBytes(path);
        } catch (NoSuchFileException e) {
            String hint = file.startsWith("{") || file.startsWith("[")
                    ? " (this argument is a file name; pipe JSON text through stdin instead)"
                    : "";
            throw new CliException("cannot read " + named + ": no such file" + hint, e);
        } catch (AccessDeniedException e) {
            throw new CliException("cannot read " + named + ": permission denied", e);
        } catch (IOException e) {
            // The JDK's message for a directory is the bare OS text ("Is a directory"); say it ourselves.
            String reason = Files.isDirectory(path) ? "is a directory" : e.getMessage();
            throw new CliException("cannot read " + named + ": " + reason, e);
        }
    }
}
