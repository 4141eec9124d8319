package io.statestore.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.statestore.client.StrictJson;
import io.statestore.testing.RedisServerExtension;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** Run in-process, watch ends on its caller's interrupt and leaves the interrupt for that caller to see. */
class WatchInterruptTest {
    @RegisterExtension
    static RedisServerExtension redis = RedisServerExtension.portable();

    @TempDir
    Path dir;

    @Test
    void anInterruptedWatchEndsAndKeepsTheInterruptForItsCaller() throws Exception {
        WatchCliTest.Lines out = new WatchCliTest.Lines();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        AtomicInteger exit = new AtomicInteger(-1);
        AtomicBoolean interruptSeen = new AtomicBoolean();
        Thread cli = new Thread(() -> {
            exit.set(Main.run(
                    new CliIo(
                            new ByteArrayInputStream(new byte[0]),
                            new PrintStream(out, true, StandardCharsets.UTF_8),
                            new PrintStream(err, true, StandardCharsets.UTF_8),
                            dir),
                    "--redis",
                    redis.uri(),
                    "watch",
                    "wi:"));
            interruptSeen.set(Thread.currentThread().isInterrupted());
        });
        cli.start();
        assertEquals("ready", StrictJson.parse(out.await(1).get(0)).get("type").asText());

        cli.interrupt();
        cli.join(10_000);

        assertFalse(cli.isAlive(), "the watch did not end on the interrupt");
        assertEquals(0, exit.get(), err.toString(StandardCharsets.UTF_8));
        assertTrue(interruptSeen.get(), "the watch swallowed its caller's interrupt");
    }
}
