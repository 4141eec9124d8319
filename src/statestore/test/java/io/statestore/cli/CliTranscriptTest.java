package io.statestore.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.statestore.testing.RedisServerExtension;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Replays the transcripts in {@code src/statestore/test/resources/cli/*.txt} (the same ones docs/cli.md shows)
 * against a real redis-server, each on an empty database.
 *
 * <p>Format: {@code $ statestore ARGS} runs a command (shell-style quotes; {@code < FILE} feeds
 * stdin). The lines after it are the expected stdout; lines starting with {@code "! "} are the
 * expected stderr (a line ending in {@code ...} only has to start with the rest); {@code [exit N]}
 * is the expected exit code (default 0). Lines starting with {@code #} are comments.
 */
class CliTranscriptTest {
    @RegisterExtension
    static RedisServerExtension redis = RedisServerExtension.portable();

    record Step(int line, String command, List<String> out, List<String> err, int exit) {}

    @TestFactory
    Stream<DynamicTest> transcriptsReplayExactly() throws IOException, URISyntaxException {
        Path dir = Path.of(CliTranscriptTest.class.getResource("/cli").toURI());
        List<Path> files;
        try (Stream<Path> s = Files.list(dir)) {
            files = s.filter(p -> p.toString().endsWith(".txt")).sorted().toList();
        }
        assertTrue(files.size() >= 3, "transcripts found in " + dir);
        return files.stream().map(f -> DynamicTest.dynamicTest(f.getFileName().toString(), () -> replay(dir, f)));
    }

    private static void replay(Path dir, Path file) throws IOException {
        redis.flushAll();
        CliRunner cli = new CliRunner(redis.uri(), dir);
        for (Step step : parse(Files.readAllLines(file))) {
            List<String> words = ShellWords.split(step.command());
            if (words.isEmpty() || !words.get(0).equals("statestore")) {
                fail(file.getFileName() + ":" + step.line() + ": a command must start with statestore");
            }
            byte[] stdin = new byte[0];
            int lt = words.indexOf("<");
            if (lt >= 0) {
                stdin = Files.readAllBytes(dir.resolve(words.get(lt + 1)));
                words = new ArrayList<>(words);
                words.subList(lt, lt + 2).clear();
            }
            CliRunner.Result r =
                    cli.runWithStdin(stdin, words.subList(1, words.size()).toArray(String[]::new));
            String where = file.getFileName() + ":" + step.line() + " $ " + step.command() + "\n" + r;
            assertEquals(step.exit(), r.exitCode(), where);
            assertEquals(step.out(), r.outLines(), where);
            List<String> err = r.errLines();
            assertEquals(step.err().size(), err.size(), where);
            for (int i = 0; i < err.size(); i++) {
                String want = step.err().get(i);
                if (want.endsWith("...")) {
                    assertTrue(err.get(i).startsWith(want.substring(0, want.length() - 3)), where);
                } else {
                    assertEquals(want, err.get(i), where);
                }
            }
        }
    }

    static List<Step> parse(List<String> lines) {
        List<Step> steps = new ArrayList<>();
        String command = null;
        int at = 0;
        List<String> out = new ArrayList<>();
        List<String> err = new ArrayList<>();
        int exit = 0;
        for (int i = 0; i <= lines.size(); i++) {
            String l = i < lines.size() ? lines.get(i) : null;
            if (l == null || l.startsWith("$ ")) {
                if (command != null) {
                    steps.add(new Step(at, command, List.copyOf(out), List.copyOf(err), exit));
                }
                if (l == null) {
                    break;
                }
                command = l.substring(2);
                at = i + 1;
                out.clear();
                err.clear();
                exit = 0;
            } else if (l.startsWith("#") && command == null) {
                continue;
            } else if (l.startsWith("! ")) {
                err.add(l.substring(2));
            } else if (l.matches("\\[exit \\d+]")) {
                exit = Integer.parseInt(l.substring(6, l.length() - 1));
            } else if (command != null) {
                out.add(l);
            }
        }
        return steps;
    }
}
