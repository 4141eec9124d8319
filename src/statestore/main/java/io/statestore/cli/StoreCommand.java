package io.statestore.cli;

import io.statestore.client.Role;
import io.statestore.client.StateStore;
import java.io.InputStream;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * Base of the subcommands: access to the global options (at any nesting depth), the store,
 * stdout and stdin. Subclasses implement {@link #call()} and return an exit code; failures are
 * thrown and turned into one stderr line and exit code 1 by {@link ErrorHandler}.
 */
public abstract class StoreCommand implements Callable<Integer> {
    @Spec
    protected CommandSpec spec;

    /** The root command with the global options. */
    protected Main root() {
        return (Main) spec.root().userObject();
    }

    /** Connects as the global options say; close it (try-with-resources). */
    protected StateStore openStore() {
        return root().openStore(role());
    }

    /** The least role the command needs: its credential is the one found when the options name none. */
    protected Role role() {
        return Role.WRITER;
    }

    /** Where data goes. Nothing else may be written here. */
    protected PrintWriter out() {
        return spec.commandLine().getOut();
    }

    /**
     * Whether stdout is gone (the reader closed the pipe: {@code | head -n 1}). Known only after
     * a write: a long-running command checks after each line and ends when nobody reads on.
     */
    protected boolean stdoutClosed() {
        PrintWriter out = out();
        // out() writes through a Writer into the PrintStream, which swallows the IOException: ask both
        return out.checkError() || root().io().out().checkError();
    }

    protected InputStream stdin() {
        return root().io().in();
    }

    /** A file name from the command line, resolved against the working directory. */
    protected Path file(String name) {
        return root().io().resolve(name);
    }

    /** What the command is about (a key), named in error messages; null for none. */
    public String subject() {
        return null;
    }
}
