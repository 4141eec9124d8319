package io.statestore.cli;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** docs/cli.md shows the very sessions that {@link CliTranscriptTest} replays. */
class CliDocsTest {
    @Test
    void docsShowEveryTranscriptVerbatim() throws IOException, URISyntaxException {
        String docs = Files.readString(Path.of("docs/cli.md"));
        Path dir = Path.of(CliDocsTest.class.getResource("/cli").toURI());
        List<Path> files;
        try (Stream<Path> s = Files.list(dir)) {
            files = s.filter(p -> p.toString().endsWith(".txt")).sorted().toList();
        }
        for (Path f : files) {
            String session = Files.readAllLines(f).stream()
                    .filter(l -> !l.startsWith("#"))
                    .collect(Collectors.joining("\n", "```console\n", "\n```"));
            assertTrue(docs.contains(session), "docs/cli.md shows " + f.getFileName() + " verbatim:\n" + session);
        }
    }
}
