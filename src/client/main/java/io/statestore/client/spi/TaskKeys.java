package io.statestore.client.spi;

import io.statestore.client.internal.events.EventKeys;

/**
 * Where task streams live ({@code <prefix>task:{<task id>}}, docs/events.md), for tools that
 * read them outside {@link io.statestore.client.TaskStreams} (the dashboard lists and tails
 * them). Just the key rule of the internal {@code EventKeys}, so it is written once.
 */
public final class TaskKeys {
    private static final String MARK = "task:{";

    private final String prefix;
    private final EventKeys keys;

    public TaskKeys(String prefix) {
        this.prefix = prefix;
        this.keys = new EventKeys(prefix);
    }

    /** The stream of {@code taskId}; an invalid ID is an {@link io.statestore.client.InvalidInputException}. */
    public String key(String taskId) {
        return keys.task(taskId);
    }

    /** A SCAN MATCH pattern for every task stream of this prefix (the prefix's glob characters escaped). */
    public String scanPattern() {
        StringBuilder sb = new StringBuilder();
        for (char c : prefix.toCharArray()) {
            if (c == '*' || c == '?' || c == '[' || c == ']' || c == '\\') {
                sb.append('\\');
            }
            sb.append(c);
        }
        return sb.append(MARK).append("*}").toString();
    }

    /** The task ID in a task stream's key, or null when {@code key} is not one. */
    public String taskId(String key) {
        String head = prefix + MARK;
        if (!key.startsWith(head) || !key.endsWith("}") || key.length() <= head.length() + 1) {
            return null;
        }
        return key.substring(head.length(), key.length() - 1);
    }
}
