package io.statestore.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.statestore.testing.TestRedis;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** Separate JVM processes writing one document lose no update. */
public abstract class MultiProcessContract {
    protected abstract TestRedis redis();

    /** Increments and merges each process makes. */
    protected int operationsPerProcess() {
        return 2000;
    }

    @Test
    void fourProcessesIncrementingAndMergingOneDocumentLoseNothing() throws Exception {
        int processes = 4;
        int operations = operationsPerProcess();
        redis().flushAll();
        StateStore store = redis().newStore();
        store.put("shared", StrictJson.parse("{\"counter\":0}"));
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<Process> running = new ArrayList<>();
        for (int p = 0; p < processes; p++) {
            running.add(new ProcessBuilder(
                            java,
                            "-cp",
                            System.getProperty("java.class.path"),
                            WriterProcess.class.getName(),
                            redis().uri(),
                            "shared",
                            Integer.toString(operations),
                            Integer.toString(p))
                    // not inheritIO: a child writing to the fork's stdout corrupts Surefire's channel
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                    .redirectError(ProcessBuilder.Redirect.INHERIT)
                    .start());
        }
        for (Process p : running) {
            assertTrue(p.waitFor(5, TimeUnit.MINUTES), "writer process did not finish");
            assertEquals(0, p.exitValue(), "writer process failed");
        }
        Document<JsonNode> d = store.get("shared").orElseThrow();
        assertEquals(processes * operations / 2, d.value().get("counter").asLong());
        assertEquals(1 + processes * operations, d.revision());
        assertEquals(
                1 + processes * operations,
                redis().commands().xlen(redis().layout().feed("shared")));
    }
}
