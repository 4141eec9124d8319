package io.statestore.cli;

import io.statestore.client.Role;
import io.statestore.client.StateStore;
import io.statestore.client.events.TaskEnd;
import java.io.PrintWriter;
import java.time.Duration;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "tail", mixinStandardHelpOptions = true,
        description = {"Print a task's output from its start, then live, until the task ends.",
                "Exit 0 when it ended done, 1 when it failed (its message on stderr)."})
final class TaskTailCommand extends StoreCommand {
    @Parameters(index = "0", paramLabel = "TASK_ID", description = "The task.")
    String taskId;

    @Option(names = "--timeout", paramLabel = "DURATION", description = "Give up (exit 1) after this long, e.g. 10m.")
    String timeout;

    @Override
    public Integer call() {
        Duration limit = timeout == null ? null : Durations.parse(timeout, "--timeout");
        PrintWriter out = out();
        try (StateStore store = openStore()) {
            TaskEnd end = store.tasks().follow(taskId, c -> {
                out.print(c.text());
                out.flush();
            }, limit);
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
