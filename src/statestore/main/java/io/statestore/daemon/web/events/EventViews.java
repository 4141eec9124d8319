package io.statestore.daemon.web.events;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;

/** The JSON shapes of the event-bus endpoints (times are epoch milliseconds, server clock). */
public final class EventViews {
    private EventViews() {}

    /** One stream: {@code kind} is {@code type}, {@code all} (the global stream) or {@code dlq}. */
    public record Stream(
            String kind,
            String type,
            String key,
            long length,
            String firstId,
            String lastId,
            Long lastEntryMs,
            double ratePerSecond,
            boolean rateEstimated,
            int groups) {}

    /** One consumer group; {@code lag} is null when Redis cannot tell (after deletions in the stream). */
    public record Group(
            String stream,
            String type,
            String group,
            long consumerCount,
            long pending,
            Long lag,
            String lastDeliveredId,
            long oldestPendingAgeMs,
            List<Consumer> consumers) {}

    /** A consumer of a group: its pending entries and how long since it last read. */
    public record Consumer(String name, long pending, long idleMs) {}

    /** A dead letter with the error its handler last threw; {@code originId} is its old type-stream entry ID. */
    public record DeadLetter(
            String type,
            String dlqId,
            String eventId,
            String originId,
            String source,
            long timeMs,
            JsonNode data,
            String error,
            long deliveries,
            String group,
            String consumer,
            long redriven) {}

    /** One page of dead letters, oldest first; {@code next} is the {@code after} of the next page, null at the end. */
    public record DeadLetterPage(List<DeadLetter> deadLetters, String next) {}

    public record Redriven(String type, long redriven) {}
}
