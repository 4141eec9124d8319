package io.statestore.bench;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

/** The benchmarks' own function libraries, kept as .lua resources beside this class. */
final class BenchLua {
    private BenchLua() {}

    static String library(String name) {
        try (InputStream in = BenchLua.class.getResourceAsStream(name)) {
            if (in == null) {
                throw new IllegalStateException("missing resource io/statestore/bench/" + name);
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
