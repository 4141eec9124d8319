package io.statestore.cli;

import io.statestore.client.Durations;
import io.statestore.client.Role;
import io.statestore.client.StateStore;
import io.statestore.client.events.Subscription;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(
        name = "tail",
        mixinStandardHelpOptions = true,
        description = {
            "Print the events of TYPE (all types when absent) as JSON lines as they are published.",
            "Without --from only new events; --from 0 starts at the oldest kept. Runs until interrupted,"
                    + " --count events, --timeout, or stdout is closed (| head)."
        })
final class EventsTailCommand extends StoreCommand {
    @Parameters(
            index = "0",
            arity = "0..1",
            paramLabel = "TYPE",
            description = "The event type (default: the global stream).")
    String type;

    @Option(
            names = "--from",
            paramLabel = "ID",
            description = "Start at this stream entry ID (inclusive), or 0 for the oldest.")
    String from;

    @Option(names = "--count", paramLabel = "N", description = "Stop after N events.")
    long count;

    @Option(names = "--timeout", paramLabel = "DURATION", description = "Stop after this long, e.g. 30s.")
    String timeout;

    @Override
    public Integer call() throws InterruptedException {
        Duration limit = timeout == null ? null : Durations.parse(timeout, "--timeout");
        PrintWriter out = out();
        AtomicLong printed = new AtomicLong();
        CountDownLatch enough = new CountDownLatch(1);
        try (StateStore store = openStore();
                Subscription s = store.events().tail(type == null ? "" : type, from == null ? "$" : from, e -> {
                    synchronized (out) {
                        out.println(EventLines.line(e));
                        out.flush();
                    }
                    if (stdoutClosed()) { // | head: nobody reads on
                        enough.countDown();
                    }
                    if (count > 0 && printed.incrementAndGet() >= count) {
                        enough.countDown();
                    }
                })) {
            if (limit == null) {
                enough.await();
            } else {
                enough.await(limit.toMillis(), TimeUnit.MILLISECONDS);
            }
        }
        return 0;
    }

    @Override
    public String subject() {
        return type;
    }

    @Override
    protected Role role() {
        return Role.READER;
    }
}
