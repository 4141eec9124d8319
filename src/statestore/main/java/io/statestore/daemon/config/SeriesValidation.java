package io.statestore.daemon.config;

import io.statestore.client.InvalidInputException;
import io.statestore.client.JsonPath;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BiConsumer;

/** Checks {@code series} and {@code seriesStore}; every problem names its key. */
final class SeriesValidation {
    static final Duration MIN_EVERY = Duration.ofSeconds(1);
    private final BiConsumer<String, String> problem;

    SeriesValidation(BiConsumer<String, String> problem) {
        this.problem = problem;
    }

    void validate(List<DaemonConfig.Sampled> series, DaemonConfig.SeriesStore store) {
        if (store == null) {
            problem.accept("seriesStore", "is required");
        } else {
            String why = CronWords.problem(store.schedule());
            if (why != null) {
                problem.accept("seriesStore.schedule", why);
            }
            atLeast("seriesStore.rawRetention", store.rawRetention(), Duration.ofMinutes(1));
            atLeast("seriesStore.minuteRetention", store.minuteRetention(), Duration.ofMinutes(1));
            atLeast("seriesStore.builtinEvery", store.builtinEvery(), MIN_EVERY);
        }
        Map<String, Integer> names = new HashMap<>();
        for (int i = 0; i < series.size(); i++) {
            DaemonConfig.Sampled s = series.get(i);
            String k = "series[" + i + "]";
            if (s == null) {
                problem.accept(k, "is empty; write {key: ..., path: ..., every: ...}");
                continue;
            }
            if (s.key() == null || s.key().isBlank()) {
                problem.accept(k + ".key", "is required: the document to sample");
            }
            if (s.path() == null || s.path().isBlank()) {
                problem.accept(k + ".path", "is required: a JSONPath to a number in the document, e.g. $.queue_depth");
            } else {
                try {
                    JsonPath.parse(s.path());
                } catch (InvalidInputException e) {
                    problem.accept(k + ".path", e.getMessage());
                }
            }
            atLeast(k + ".every", s.every(), MIN_EVERY);
            if (s.name() != null && s.name().chars().anyMatch(ch -> ch <= ' ')) {
                problem.accept(k + ".name", "\"" + s.name() + "\" contains white space");
            } else if ((s.name() == null || s.name().isBlank())
                    && s.key() != null
                    && s.path() != null
                    && s.seriesName().chars().anyMatch(ch -> ch <= ' ')) {
                problem.accept(
                        k + ".name",
                        "is required here: the default name \"" + s.seriesName()
                                + "\" (key and path) contains white space, which a series name may not");
            }
            if (s.key() != null && s.path() != null) {
                Integer first = names.putIfAbsent(s.seriesName(), i);
                if (first != null) {
                    problem.accept(
                            k,
                            "samples into series \"" + s.seriesName() + "\" like series[" + first
                                    + "]: give one of them another name, or remove the duplicate");
                }
            }
        }
    }

    private void atLeast(String key, Duration d, Duration min) {
        if (d == null) {
            problem.accept(key, "is required");
        } else if (d.compareTo(min) < 0) {
            problem.accept(
                    key,
                    "must be at least " + io.statestore.client.Durations.format(min) + ", got "
                            + io.statestore.client.Durations.format(d));
        }
    }
}
