package io.statestore.cli;

import io.statestore.client.Durations;
import io.statestore.client.NotFoundException;
import io.statestore.client.Role;
import io.statestore.client.StateStore;
import io.statestore.client.UnavailableException;
import io.statestore.client.events.TaskEnd;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(
        name = "tail",
        mixinStandardHelpOptions = true,
        description = {
            "Print a task's output from its start, then live, until the task ends.",
            "Exit 0 when it ended done, 1 when it failed (its message on stderr).",
            "A task that has not started (no stream) is an error unless --wait is given."
        })
final class TaskTailCommand extends StoreCommand {
    @Parameters(index = "0", paramLabel = "TASK_ID", description = "The task's ID, e.g. gen-42.")
    String taskId;

    @Option(names = "--timeout", paramLabel = "DURATION", description = "Give up (exit 1) after this long, e.g. 10m.")
    String timeout;

    @Option(names = "--wait", description = "Wait for a task that has not started yet instead of failing.")
    boolean waitForStart;

    @Override
    public Integer call() {
        Duration limit = timeout == null ? null : Durations.parse(timeout, "--timeout");
        PrintWriter out = out();
        try (StateStore store = openStore()) {
            if (!waitForStart && !store.tasks().exists(taskId)) {
                throw new NotFoundException(
                        taskId,
                        "no such task (no output stream for it: not started, or expired);"
                                + " use --wait to wait for it to start");
            }
            Thread caller = Thread.currentThread();
            AtomicBoolean stdoutClosed = new AtomicBoolean();
            TaskEnd end;
            try {
                end = store.tasks()
                        .follow(
                                taskId,
                                c -> {
                                    out.print(c.text());
                                    out.flush();
                                    if (stdoutClosed() && stdoutClosed.compareAndSet(false, true)) {
                                        caller.interrupt(); // stdout is gone (| head): nobody reads the rest
                                    }
                                },
                                limit);
            } catch (UnavailableException e) {
                if (stdoutClosed.get()) {
                    Thread.interrupted();
                    return 0;
                }
                if (limit != null && e.getCause() instanceof TimeoutException) {
                    throw new CliException("task did not end within " + Durations.format(limit));
                }
                throw e;
            }
            if (end.failed()) {
                throw new CliException("task failed" + (end.message().isEmpty() ? "" : ": " + end.message()));
            }
        }
        return 0;
    }

    @Override
    public String subject() {
        return taskId;
    }

    @Override
    protected Role role() {
        return Role.READER;
    }
}
