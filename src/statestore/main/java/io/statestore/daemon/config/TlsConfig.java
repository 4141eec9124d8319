package io.statestore.daemon.config;

import io.statestore.client.TlsOptions;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.BiConsumer;

/**
 * {@code redis.tls}: how the daemon verifies a {@code rediss://} {@code redis.url} and which
 * client certificate it presents (docs/tls.md). Empty strings mean "not set".
 */
public record TlsConfig(String ca, String cert, String key, boolean insecureSkipVerify) {

    /** Whether anything is set: such settings need a TLS redis.url. */
    public boolean configured() {
        return !blank(ca) || !blank(cert) || !blank(key) || insecureSkipVerify;
    }

    public TlsOptions options() {
        return TlsOptions.builder()
                .caFile(path(ca))
                .certFile(path(cert))
                .keyFile(path(key))
                .insecureSkipVerify(insecureSkipVerify)
                .build();
    }

    /** Reports, by key, what cannot work: settings without a TLS URL, half a client certificate, unreadable files. */
    static void validate(DaemonConfig.Redis r, BiConsumer<String, String> problem) {
        TlsConfig t = r.tls();
        if (t == null || !t.configured()) {
            return;
        }
        if (r.embedded() || !(r.url().startsWith("rediss://") || r.url().startsWith("rediss-sentinel://"))) {
            problem.accept(
                    "redis.tls",
                    "goes with a rediss:// or rediss-sentinel:// redis.url"
                            + (r.embedded() ? " (the embedded server's TLS is embedded.tls)" : ""));
            return;
        }
        if (blank(t.cert()) != blank(t.key())) {
            problem.accept(
                    blank(t.cert()) ? "redis.tls.cert" : "redis.tls.key",
                    "a client certificate needs both redis.tls.cert and redis.tls.key");
        }
        if (t.insecureSkipVerify() && !blank(t.ca())) {
            problem.accept(
                    "redis.tls.insecureSkipVerify",
                    "excludes redis.tls.ca: verify against the CA, or skip verification");
        }
        readable("redis.tls.ca", t.ca(), problem);
        readable("redis.tls.cert", t.cert(), problem);
        readable("redis.tls.key", t.key(), problem);
    }

    private static void readable(String key, String file, BiConsumer<String, String> problem) {
        if (!blank(file) && !Files.isReadable(Path.of(file))) {
            problem.accept(key, "cannot read " + file);
        }
    }

    private static Path path(String s) {
        return blank(s) ? null : Path.of(s);
    }

    private static boolean blank(String s) {
        return s == null || s.isBlank();
    }
}
