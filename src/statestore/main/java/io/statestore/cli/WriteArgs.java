package io.statestore.cli;

import io.statestore.client.Durations;
import io.statestore.client.WriteOptions;
import picocli.CommandLine.Option;

/** {@code --if-revision} and {@code --ttl}, shared by the write commands. */
final class WriteArgs {
    @Option(
            names = "--if-revision",
            paramLabel = "N",
            description = "Write only if the document is at revision N (0: only if it does not exist).")
    Long ifRevision;

    @Option(
            names = "--ttl",
            paramLabel = "DURATION",
            description = "Expire the document after DURATION (500ms, 30s, 15m, 24h, 7d; 0 removes an expiry). "
                    + "Without it the document keeps its current expiry.")
    String ttl;

    WriteOptions toOptions() {
        WriteOptions.Builder b = WriteOptions.builder();
        if (ifRevision != null) {
            b.ifRevision(ifRevision);
        }
        if (ttl != null) {
            b.ttl(Durations.parse(ttl, "--ttl"));
        }
        return b.build();
    }
}
