package io.statestore.daemon.config;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonDeserializer;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.module.SimpleModule;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.statestore.client.Durations;
import io.statestore.client.InvalidInputException;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Loads the daemon configuration: bundled defaults, then the YAML file (if any), then
 * {@link EnvOverrides environment variables}; binds it and validates it. Every problem found
 * is reported at once, each naming its key (and the variable, when one set it) and the file.
 */
public final class ConfigLoader {
    private static final String DEFAULTS = "/io/statestore/daemon/defaults.yaml";
    private final ObjectMapper yaml;

    public ConfigLoader() {
        SimpleModule durations = new SimpleModule("durations");
        durations.addDeserializer(Duration.class, new JsonDeserializer<>() {
            @Override
            public Duration deserialize(JsonParser p, DeserializationContext ctx) throws IOException {
                String text = p.getValueAsString();
                try {
                    return Durations.parse(text == null ? p.getText() : text);
                } catch (InvalidInputException e) {
                    throw JsonMappingException.from(p, e.getMessage());
                }
            }
        });
        this.yaml = new ObjectMapper(new YAMLFactory())
                .registerModule(durations)
                .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
                .enable(DeserializationFeature.FAIL_ON_NUMBERS_FOR_ENUMS);
    }

    /** Loads {@code file} (null: defaults and environment only) with {@code env} applied. */
    public DaemonConfig load(Path file, Map<String, String> env) {
        String name = file == null ? "(defaults and environment)" : file.toString();
        List<String> problems = new ArrayList<>();
        ObjectNode tree = readDefaults();
        if (file != null) {
            JsonNode user;
            try {
                user = Files.exists(file) ? yaml.readTree(file.toFile()) : null;
            } catch (JsonProcessingException e) {
                throw new ConfigException(name, List.of(YamlSyntax.describe(e)));
            } catch (java.nio.file.AccessDeniedException e) {
                throw new ConfigException(name, List.of("cannot read: permission denied"));
            } catch (IOException e) {
                throw new ConfigException(name, List.of("cannot read: " + e.getMessage()));
            }
            if (user == null && !Files.exists(file)) {
                throw new ConfigException(name, List.of("file does not exist"));
            }
            if (user != null && !user.isNull() && !user.isMissingNode()) {
                if (!user.isObject()) {
                    throw new ConfigException(name, List.of("the top level must be a mapping of settings"));
                }
                merge(tree, (ObjectNode) user, "", problems);
            }
        }
        Map<String, String> origins = EnvOverrides.apply(tree, env, this::parseScalar, problems);
        if (!problems.isEmpty()) {
            throw new ConfigException(name, problems);
        }
        DaemonConfig bound;
        try {
            bound = yaml.treeToValue(tree, DaemonConfig.class);
        } catch (JsonMappingException e) {
            String path = pathOf(e);
            String var = origins.get(path);
            throw new ConfigException(
                    name,
                    List.of("key '" + path + "'" + (var == null ? "" : " (from " + var + ")") + ": "
                            + BindingWords.describe(e, at(tree, e))));
        } catch (JsonProcessingException e) {
            throw new ConfigException(name, List.of(e.getOriginalMessage()));
        }
        DaemonConfig config = Defaults.complete(bound, env);
        new ConfigValidator(origins).validate(config, problems);
        if (!problems.isEmpty()) {
            throw new ConfigException(name, problems);
        }
        return config;
    }

    private ObjectNode readDefaults() {
        try (InputStream in = ConfigLoader.class.getResourceAsStream(DEFAULTS)) {
            return (ObjectNode) yaml.readTree(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Overlays user settings on the defaults; a key the defaults do not have is unknown. */
    private static void merge(ObjectNode base, ObjectNode user, String prefix, List<String> problems) {
        for (Map.Entry<String, JsonNode> e : user.properties()) {
            String key = prefix.isEmpty() ? e.getKey() : prefix + "." + e.getKey();
            JsonNode current = base.get(e.getKey());
            if (current == null) {
                problems.add("key '" + key + "': unknown setting");
            } else if (current.isObject() && e.getValue().isObject()) {
                merge((ObjectNode) current, (ObjectNode) e.getValue(), key, problems);
            } else {
                base.set(e.getKey(), e.getValue());
            }
        }
    }

    private JsonNode parseScalar(String text) {
        try {
            JsonNode n = yaml.readTree(text);
            return n == null || n.isMissingNode() ? yaml.getNodeFactory().textNode("") : n;
        } catch (JsonProcessingException e) {
            return yaml.getNodeFactory().textNode(text);
        }
    }

    static String pathOf(JsonMappingException e) {
        StringBuilder sb = new StringBuilder();
        for (JsonMappingException.Reference r : e.getPath()) {
            if (r.getFieldName() != null) {
                if (sb.length() > 0) {
                    sb.append('.');
                }
                sb.append(r.getFieldName());
            } else if (r.getIndex() >= 0) {
                sb.append('[').append(r.getIndex()).append(']');
            }
        }
        return sb.toString();
    }

    /** The value the settings tree holds where binding failed. */
    private static JsonNode at(JsonNode tree, JsonMappingException e) {
        JsonNode n = tree;
        for (JsonMappingException.Reference r : e.getPath()) {
            n = r.getFieldName() != null ? n.path(r.getFieldName()) : n.path(r.getIndex());
        }
        return n;
    }
}
