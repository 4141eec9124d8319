package io.statestore.daemon.series;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.statestore.client.Durations;
import io.statestore.client.InvalidInputException;
import io.statestore.client.JsonPath;
import io.statestore.daemon.config.DaemonConfig;
import io.statestore.daemon.redis.RedisAdmin;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sampled series added at runtime ({@code statestore ts add}), kept in Redis so that whichever
 * daemon runs the sampling job picks them up without a restart; merged with the config's list,
 * where a name in the config wins.
 */
public final class SeriesDefinitions {
    private static final Logger LOG = LoggerFactory.getLogger(SeriesDefinitions.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    static final Duration MIN_EVERY = Duration.ofSeconds(1);
    private final RedisAdmin redis;
    private final SeriesKeys keys;

    public SeriesDefinitions(RedisAdmin redis, SeriesKeys keys) {
        this.redis = redis;
        this.keys = keys;
    }

    /** Checks and stores a definition; returns it with its series name filled in. */
    public DaemonConfig.Sampled add(String key, String path, Duration every, String name) {
        if (key == null || key.isBlank()) {
            throw new InvalidInputException("the document key to sample is empty");
        }
        JsonPath.parse(path); // its own words name the position
        if (every == null || every.compareTo(MIN_EVERY) < 0) {
            throw new InvalidInputException(
                    "--every must be at least 1s, got " + (every == null ? "nothing" : Durations.format(every)));
        }
        DaemonConfig.Sampled s = new DaemonConfig.Sampled(name, key, path, every);
        String series = SeriesKeys.checkName(s.seriesName());
        ObjectNode o = JSON.createObjectNode().put("key", key).put("path", path).put("every", Durations.format(every));
        redis.with(j -> j.hset(keys.definitions(), series, o.toString()));
        return new DaemonConfig.Sampled(series, key, path, every);
    }

    /** The stored definitions; one that no longer reads (edited by hand) is logged and left out. */
    public List<DaemonConfig.Sampled> all() {
        Map<String, String> raw = redis.with(j -> j.hgetAll(keys.definitions()));
        List<DaemonConfig.Sampled> out = new ArrayList<>();
        for (Map.Entry<String, String> e : raw.entrySet()) {
            try {
                JsonNode n = JSON.readTree(e.getValue());
                String path = n.path("path").asText();
                JsonPath.parse(path);
                out.add(new DaemonConfig.Sampled(
                        e.getKey(),
                        n.path("key").asText(),
                        path,
                        Durations.parse(n.path("every").asText(), "every")));
            } catch (Exception bad) {
                LOG.warn(
                        "series definition {} in {} is not usable ({}); skipped",
                        e.getKey(),
                        keys.definitions(),
                        bad.getMessage());
            }
        }
        return out;
    }

    /** The config's series, then the runtime ones whose names the config does not use. */
    public List<DaemonConfig.Sampled> merged(List<DaemonConfig.Sampled> configured) {
        Map<String, DaemonConfig.Sampled> byName = new LinkedHashMap<>();
        for (DaemonConfig.Sampled s : configured) {
            byName.put(s.seriesName(), s);
        }
        for (DaemonConfig.Sampled s : all()) {
            byName.putIfAbsent(s.seriesName(), s);
        }
        return new ArrayList<>(byName.values());
    }
}
