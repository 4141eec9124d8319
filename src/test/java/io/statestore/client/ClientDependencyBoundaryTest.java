package io.statestore.client;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** The client packages depend only on Jedis, Jackson and slf4j-api, never on daemon or CLI code. */
class ClientDependencyBoundaryTest {
    private static final List<String> ALLOWED = List.of("java.", "javax.net.", "io.statestore.client.",
            "redis.clients.jedis.", "com.fasterxml.jackson.", "org.slf4j.", "org.apache.commons.pool2.");

    @Test
    void clientImportsOnlyAllowedPackages() throws IOException {
        Path root = Path.of("src/main/java/io/statestore/client");
        List<String> violations = new ArrayList<>();
        try (Stream<Path> files = Files.walk(root)) {
            for (Path f : files.filter(p -> p.toString().endsWith(".java")).toList()) {
                for (String line : Files.readAllLines(f)) {
                    String l = line.strip();
                    if (!l.startsWith("import ")) {
                        continue;
                    }
                    String name = l.substring(7).replace("static ", "").replace(";", "").strip();
                    if (ALLOWED.stream().noneMatch(name::startsWith)) {
                        violations.add(f + ": " + name);
                    }
                }
            }
        }
        assertEquals(List.of(), violations);
    }
}
