package io.statestore.client.events;

/**
 * How a task ended.
 *
 * @param status  {@code done} or {@code failed}
 * @param message the producer's final message (an error for failed tasks), may be empty
 */
public record TaskEnd(String taskId, String entryId, String status, String message) {
    public boolean failed() {
        return "failed".equals(status);
    }
}
