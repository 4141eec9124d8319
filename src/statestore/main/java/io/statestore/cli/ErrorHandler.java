package io.statestore.cli;

import io.statestore.client.ErrorCode;
import io.statestore.client.StateStoreException;
import java.io.PrintWriter;
import picocli.CommandLine;
import picocli.CommandLine.IExecutionExceptionHandler;
import picocli.CommandLine.IParameterExceptionHandler;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ParseResult;
import picocli.CommandLine.UnmatchedArgumentException;

/**
 * Turns failures into exit codes and stderr lines (after redis/riot's PrintExceptionMessageHandler).
 * A failed command prints one line, {@code statestore: COMMAND KEY: reason}, and exits with a code
 * a script can act on ({@link #exitCode}): 3 not found, 4 conflict, 5 unavailable, 6 permission
 * denied, 1 anything else; the stack trace follows only with {@code --debug}. A command line that
 * cannot be parsed prints the problem and a hint and exits 2.
 */
final class ErrorHandler implements IExecutionExceptionHandler, IParameterExceptionHandler {
    static final int FAILURE = 1;
    static final int USAGE = 2;
    static final int NOT_FOUND = 3;
    static final int CONFLICT = 4;
    static final int UNAVAILABLE = 5;
    static final int PERMISSION_DENIED = 6;

    private final Main main;

    ErrorHandler(Main main) {
        this.main = main;
    }

    @Override
    public int handleExecutionException(Exception ex, CommandLine cmd, ParseResult parseResult) {
        PrintWriter err = cmd.getErr();
        err.println(oneLine("statestore: " + context(cmd) + message(ex)));
        if (main.debug()) {
            ex.printStackTrace(err);
        }
        err.flush();
        return exitCode(ex);
    }

    /**
     * The exit code of a failure: from the {@link StateStoreException} it is or wraps (a
     * {@link CliException} may carry one as its cause), 1 when there is none.
     */
    static int exitCode(Throwable ex) {
        for (Throwable t = ex; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof StateStoreException sse) {
                return exitCode(sse.code());
            }
        }
        return FAILURE;
    }

    static int exitCode(ErrorCode code) {
        return switch (code) {
            case NOT_FOUND -> NOT_FOUND;
            case CONFLICT -> CONFLICT;
            case UNAVAILABLE -> UNAVAILABLE;
            case PERMISSION_DENIED -> PERMISSION_DENIED;
            case INVALID_INPUT -> FAILURE;
        };
    }

    @Override
    public int handleParseException(ParameterException ex, String[] args) {
        CommandLine cmd = ex.getCommandLine();
        PrintWriter err = cmd.getErr();
        err.println(oneLine("statestore: " + ex.getMessage()));
        UnmatchedArgumentException.printSuggestions(ex, err);
        err.println("Try '" + cmd.getCommandSpec().qualifiedName() + " --help' for more information.");
        if (main.debug()) {
            ex.printStackTrace(err);
        }
        err.flush();
        return cmd.getCommandSpec().exitCodeOnInvalidInput();
    }

    /** "put quantum:status: " for a keyed command, "ls: " for others, "" for the root. */
    private static String context(CommandLine cmd) {
        if (cmd.getParent() == null) {
            return "";
        }
        StringBuilder sb = new StringBuilder(cmd.getCommandSpec()
                .qualifiedName(" ")
                .substring(cmd.getCommandSpec().root().name().length())
                .trim());
        if (cmd.getCommand() instanceof StoreCommand sc && sc.subject() != null) {
            sb.append(' ').append(sc.subject());
        }
        return sb.append(": ").toString();
    }

    private static String message(Exception ex) {
        String m = ex.getMessage();
        if (ex instanceof StateStoreException || ex instanceof CliException) {
            return m == null ? ex.getClass().getSimpleName() : m;
        }
        // Unexpected: name the exception type so the line still means something without --debug.
        return ex.getClass().getSimpleName() + (m == null ? "" : ": " + m) + " (run with --debug for details)";
    }

    /** Control characters (newlines from a parser, a tab in a key) are escaped to keep one line. */
    static String oneLine(String s) {
        StringBuilder sb = new StringBuilder(s.length());
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '\n' -> sb.append("\\n");
                case '\r' -> sb.append("\\r");
                case '\t' -> sb.append("\\t");
                default -> {
                    if (c < 0x20 || c == 0x7f) {
                        sb.append(String.format("\\u%04x", (int) c));
                    } else {
                        sb.append(c);
                    }
                }
            }
        }
        return sb.toString();
    }
}
