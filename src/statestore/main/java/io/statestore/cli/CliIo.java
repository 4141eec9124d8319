package io.statestore.cli;

import java.io.InputStream;
import java.io.PrintStream;
import java.nio.file.Path;

/**
 * Where a CLI run reads and writes: stdin, stdout (data only), stderr (diagnostics) and the
 * directory that relative file names are resolved against. Tests pass their own.
 */
public record CliIo(InputStream in, PrintStream out, PrintStream err, Path workDir) {

    /** The process's own streams and working directory. */
    public static CliIo system() {
        return new CliIo(System.in, System.out, System.err, Path.of(""));
    }

    /** Resolves a file name given on the command line. */
    public Path resolve(String file) {
        return workDir.resolve(file);
    }
}
