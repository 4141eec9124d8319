package io.statestore.cli;

import com.fasterxml.jackson.databind.JsonNode;
import io.statestore.client.StrictJson;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;

/** Reads JSON from the command line strictly: from a file, from stdin, or from argument text. */
final class JsonInput {
    private JsonInput() {
    }

    /** {@code FILE}, or {@code -}/null for stdin. */
    static JsonNode fileOrStdin(StoreCommand cmd, String file) {
        if (file == null || file.equals("-")) {
            if (cmd.stdin() == System.in && System.console() != null) {
                // Waiting silently on a terminal looks like a hang; say what is expected (stderr, not data).
                cmd.spec.commandLine().getErr().println("statestore: reading JSON from stdin (end with Ctrl-D)");
            }
            return StrictJson.parse(readStdin(cmd.stdin()), "stdin");
        }
        return StrictJson.parse(readFile(cmd, file), "file " + file);
    }

    /** JSON text given as an argument, or {@code @FILE} ({@code @-} for stdin); {@code what} names the argument. */
    static JsonNode textOrFile(StoreCommand cmd, String arg, String what) {
        if (arg.startsWith("@")) {
            return fileOrStdin(cmd, arg.substring(1));
        }
        return StrictJson.parse(arg, what);
    }

    private static byte[] readStdin(InputStream in) {
        try {
            return in.readAllBytes();
        } catch (IOException e) {
            throw new CliException("cannot read stdin: " + e.getMessage(), e);
        }
    }

    private static byte[] readFile(StoreCommand cmd, String file) {
        try {
            return Files.readAllBytes(cmd.file(file));
        } catch (NoSuchFileException e) {
            String hint = file.startsWith("{") || file.startsWith("[")
                    ? " (this argument is a file name; pipe JSON text through stdin instead)" : "";
            throw new CliException("cannot read file " + file + ": no such file" + hint, e);
        } catch (AccessDeniedException e) {
            throw new CliException("cannot read file " + file + ": permission denied", e);
        } catch (IOException e) {
            throw new CliException("cannot read file " + file + ": " + e.getMessage(), e);
        }
    }
}
