package io.statestore.daemon.series;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.statestore.client.InvalidInputException;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class AggregationTest {
    @Test
    void readsFunctionAndBucket() {
        assertEquals(new Aggregation(Aggregation.Kind.AVG, Duration.ofMinutes(1)), Aggregation.parse("avg:1m"));
        assertEquals(new Aggregation(Aggregation.Kind.COUNT, Duration.ofMinutes(90)), Aggregation.parse("COUNT:1h30m"));
        assertEquals("max:5s", Aggregation.parse("max:5s").toString());
        assertEquals(120_000L, Aggregation.parse("sum:2m").bucketOf(150_000L));
    }

    @Test
    void badAggregationsAreRefusedInOurWords() {
        assertEquals(
                "aggregation \"avg\" has no bucket: write avg, min, max, sum or count, a colon and a bucket duration, e.g. avg:1m",
                assertThrows(InvalidInputException.class, () -> Aggregation.parse("avg"))
                        .getMessage());
        assertEquals(
                "aggregation \"mean:1m\": unknown function \"mean\"; write avg, min, max, sum or count, a colon and a bucket"
                        + " duration, e.g. avg:1m",
                assertThrows(InvalidInputException.class, () -> Aggregation.parse("mean:1m"))
                        .getMessage());
        String bucket = assertThrows(InvalidInputException.class, () -> Aggregation.parse("avg:soon"))
                .getMessage();
        assertEquals(true, bucket.contains("the bucket of aggregation \"avg:soon\""), bucket);
        assertEquals(
                "an aggregation bucket must be at least 1ms, got 0s",
                assertThrows(InvalidInputException.class, () -> Aggregation.parse("avg:0"))
                        .getMessage());
    }
}
