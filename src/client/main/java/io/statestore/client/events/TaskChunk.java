package io.statestore.client.events;

/** One chunk of a task's output, with its position in the task stream. */
public record TaskChunk(String taskId, String entryId, String text) {}
