package io.statestore.migrate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class MappingTest {

    @Test
    void defaultRulesMapTheLegacyLayoutBothWays() {
        Mapping m = Mapping.defaults();
        assertEquals(
                "quantum:status",
                m.match("quantum_states/status.json").orElseThrow().key());
        assertEquals(
                "quantum:session:current",
                m.match("quantum_states/memories/current_session.json")
                        .orElseThrow()
                        .key());
        assertEquals(
                "quantum:daily:2025-07-01",
                m.match("quantum_states/memories/daily/2025-07-01.json")
                        .orElseThrow()
                        .key());
        assertEquals(
                "quantum:work:summary24h",
                m.match("quantum_states/memories/work_summary_24h.json")
                        .orElseThrow()
                        .key());
        assertEquals(
                "entity:claude:state",
                m.match("consciousness/entities/claude/state.json")
                        .orElseThrow()
                        .key());
        assertTrue(m.match("quantum_states/status.json.tmp").isEmpty());
        assertTrue(m.match("consciousness/entities/claude/sub/state.json").isEmpty());
        assertEquals(
                Optional.of("consciousness/entities/entity-001/relationships.json"),
                m.pathFor("entity:entity-001:relationships"));
        assertEquals(
                Optional.of("quantum_states/memories/daily/2025-07-01.json"), m.pathFor("quantum:daily:2025-07-01"));
        assertTrue(m.pathFor("entity:a/b:c").isEmpty(), "a key must never turn into a path leaving its folder");
        assertTrue(m.pathFor("other:key").isEmpty());
    }

    @Test
    void configFileIsTheBuiltInMapping() throws Exception {
        Path config = Path.of("config/migration.yaml");
        try (var in = Mapping.class.getResourceAsStream(Mapping.DEFAULT_RESOURCE)) {
            assertEquals(
                    Files.readString(config), new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8));
        }
    }

    @Test
    void errorsNameTheFileAndKey() {
        MappingException e = assertThrows(
                MappingException.class,
                () -> Mapping.parse("rules:\n  - path: a/{x}.json\n    key: a:{x}\n    tll: 3d\n", "m.yaml"));
        assertTrue(e.getMessage().contains("m.yaml") && e.getMessage().contains("tll"), e.getMessage());
        e = assertThrows(
                MappingException.class, () -> Mapping.parse("rules:\n  - path: a/{x}.json\n    key: a\n", "m.yaml"));
        assertTrue(e.getMessage().contains("m.yaml: rules[0].key"), e.getMessage());
        e = assertThrows(
                MappingException.class,
                () -> Mapping.parse("rules:\n  - path: a/{x}.json\n    key: a:{x}\n    ttl: soon\n", "m.yaml"));
        assertTrue(e.getMessage().contains("rules[0].ttl"), e.getMessage());
    }

    @Test
    void globsAndTtl() {
        Mapping m = Mapping.parse("rules:\n  - path: logs/**/{name}.json\n    key: log:{name}\n    ttl: 12h\n", "t");
        assertEquals("log:x", m.match("logs/a/b/x.json").orElseThrow().key());
        assertEquals("log:y", m.match("logs/y.json").orElseThrow().key());
        assertEquals(Optional.of(Duration.ofHours(12)), m.rules().get(0).ttl());
    }

    @Test
    void ttlTakesTheOneDurationSyntaxAndMustBePositive() {
        assertEquals(Optional.of(Duration.ofDays(14)), rule("2w").ttl());
        assertEquals(Optional.of(Duration.ofMinutes(90)), rule("1h30m").ttl());
        assertEquals(Optional.of(Duration.ofHours(12)), rule("PT12H").ttl());
        assertTrue(
                rule("1h30m").toString().endsWith("(ttl 1h30m)"), rule("1h30m").toString());
        MappingException zero = assertThrows(MappingException.class, () -> rule("0"));
        assertTrue(zero.getMessage().contains("rules[0].ttl: must be positive"), zero.getMessage());
        MappingException bad = assertThrows(MappingException.class, () -> rule("12 hours"));
        assertTrue(
                bad.getMessage().contains("rules[0].ttl: invalid duration \"12 hours\": unknown unit"),
                bad.getMessage());
    }

    private static MappingRule rule(String ttl) {
        return Mapping.parse("rules:\n  - path: a/{x}.json\n    key: a:{x}\n    ttl: \"" + ttl + "\"\n", "m.yaml")
                .rules()
                .get(0);
    }
}
