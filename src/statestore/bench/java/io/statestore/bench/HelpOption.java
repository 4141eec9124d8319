package io.statestore.bench;

import picocli.CommandLine.Option;

/** {@code -h, --help} for every benchmark; no {@code --version}: they measure this checkout, whatever its version. */
final class HelpOption {
    @Option(
            names = {"-h", "--help"},
            usageHelp = true,
            description = "Show this help and exit.")
    private boolean help;
}
