package io.statestore.daemon.web.tasks;

import java.util.List;

/** The JSON shapes of the task endpoints (times are epoch milliseconds, server clock). */
public final class TaskViews {
    private TaskViews() {}

    /**
     * One task stream. {@code state} is {@code running} until the producer's end entry, then
     * {@code done} or {@code failed} (with its {@code message}); {@code ttlMs} is how long the
     * output is kept without new appends (-1: no TTL).
     */
    public record Task(
            String id, long length, long startedMs, long lastEntryMs, String state, String message, long ttlMs) {}

    /** The task streams found, newest activity first; {@code truncated} when there were more than the list shows. */
    public record TaskList(List<Task> tasks, boolean truncated) {}

    /** One entry: a chunk of output ({@code text}) or the end ({@code status}, {@code message}). */
    public record Entry(String id, long timeMs, String kind, String text, String status, String message) {}

    /**
     * Entries after the caller's {@code after}, oldest first; {@code last} is the {@code after}
     * of the next call; {@code ended} once the end entry has been read (nothing more will come);
     * {@code state} is the task's ({@code running}, {@code done}, {@code failed}).
     */
    public record Entries(String task, List<Entry> entries, String last, boolean ended, String state) {}
}
