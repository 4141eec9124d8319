package io.statestore.migrate;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import io.statestore.client.Durations;
import io.statestore.client.InvalidInputException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** The mapping rules of a migration, read from YAML (see config/migration.yaml). Immutable. */
public final class Mapping {
    public static final String DEFAULT_RESOURCE = "/io/statestore/migrate/default-mapping.yaml";
    private static final ObjectMapper YAML = YAMLMapper.builder(new YAMLFactory())
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
            .build();

    private final String source;
    private final List<MappingRule> rules;

    private Mapping(String source, List<MappingRule> rules) {
        this.source = source;
        this.rules = List.copyOf(rules);
    }

    record RuleSpec(
            @JsonProperty("path") String path,
            @JsonProperty("key") String key,
            @JsonProperty("ttl") String ttl) {}

    record FileSpec(@JsonProperty("rules") List<RuleSpec> rules) {}

    /** The built-in mapping of the legacy layout (same content as config/migration.yaml). */
    public static Mapping defaults() {
        try (InputStream in = Mapping.class.getResourceAsStream(DEFAULT_RESOURCE)) {
            if (in == null) {
                throw new MappingException("missing resource " + DEFAULT_RESOURCE);
            }
            return parse(
                    new String(in.readAllBytes(), StandardCharsets.UTF_8), "built-in mapping (config/migration.yaml)");
        } catch (IOException e) {
            throw new MappingException("cannot read built-in mapping: " + e.getMessage(), e);
        }
    }

    public static Mapping load(Path file) {
        String text;
        try {
            text = Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new MappingException("cannot read mapping file " + file + ": " + e.getMessage(), e);
        }
        return parse(text, file.toString());
    }

    public static Mapping parse(String yaml, String source) {
        FileSpec spec;
        try {
            spec = YAML.readValue(yaml, FileSpec.class);
        } catch (UnrecognizedPropertyException e) {
            throw new MappingException(
                    source + ": unknown key \"" + e.getPropertyName() + "\" at " + e.getPathReference()
                            + " (allowed: rules, and path/key/ttl in a rule)",
                    e);
        } catch (JsonProcessingException e) {
            throw new MappingException(source + ": not a valid mapping: " + e.getOriginalMessage(), e);
        }
        if (spec == null || spec.rules() == null || spec.rules().isEmpty()) {
            throw new MappingException(source + ": rules: at least one rule is required");
        }
        List<MappingRule> rules = new ArrayList<>();
        for (int i = 0; i < spec.rules().size(); i++) {
            RuleSpec r = spec.rules().get(i);
            String where = source + ": rules[" + i + "]";
            if (r == null || r.path() == null || r.path().isBlank()) {
                throw new MappingException(where + ".path: is required");
            }
            if (r.key() == null || r.key().isBlank()) {
                throw new MappingException(where + ".key: is required");
            }
            rules.add(new MappingRule(r.path(), r.key(), parseTtl(r.ttl(), where + ".ttl"), where));
        }
        return new Mapping(source, rules);
    }

    static Duration parseTtl(String text, String where) {
        if (text == null || text.isBlank()) {
            return null;
        }
        Duration d;
        try {
            d = Durations.parse(text);
        } catch (InvalidInputException e) {
            throw new MappingException(where + ": " + e.getMessage());
        }
        if (d.isZero()) {
            throw new MappingException(where + ": must be positive, got \"" + text + "\"");
        }
        return d;
    }

    public String source() {
        return source;
    }

    public List<MappingRule> rules() {
        return rules;
    }

    /** The first rule matching a relative path, with the key it gives. */
    public Optional<Match> match(String relativePath) {
        for (MappingRule r : rules) {
            Optional<String> key = r.keyFor(relativePath);
            if (key.isPresent()) {
                return Optional.of(new Match(r, key.get()));
            }
        }
        return Optional.empty();
    }

    /** The relative path a key is exported to: the first rule whose template gives the key back. */
    public Optional<String> pathFor(String key) {
        for (MappingRule r : rules) {
            Optional<String> p = r.pathFor(key);
            if (p.isPresent()) {
                // only when import would map that path to this key again (first matching rule)
                Optional<Match> back = match(p.get());
                if (back.isPresent() && back.get().key().equals(key)) {
                    return p;
                }
            }
        }
        return Optional.empty();
    }

    public record Match(MappingRule rule, String key) {}
}
