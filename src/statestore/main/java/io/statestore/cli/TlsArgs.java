package io.statestore.cli;

import io.statestore.client.TlsOptions;
import java.nio.file.Path;
import picocli.CommandLine.Option;
import picocli.CommandLine.ScopeType;

/** The global TLS options of a rediss:// URL (docs/tls.md); mixed into {@link Main}. */
final class TlsArgs {
    @Option(
            names = "--tls-ca",
            paramLabel = "FILE",
            scope = ScopeType.INHERIT,
            defaultValue = "${env:STATESTORE_TLS_CA}",
            description = "With rediss://: PEM file of the CA(s) the server certificate must be signed by"
                    + " (env STATESTORE_TLS_CA; default: the JVM's trust store). The host name is checked too.")
    Path caFile;

    @Option(
            names = "--tls-cert",
            paramLabel = "FILE",
            scope = ScopeType.INHERIT,
            defaultValue = "${env:STATESTORE_TLS_CERT}",
            description =
                    "With rediss://: PEM client certificate, for servers that require one (env STATESTORE_TLS_CERT).")
    Path certFile;

    @Option(
            names = "--tls-key",
            paramLabel = "FILE",
            scope = ScopeType.INHERIT,
            defaultValue = "${env:STATESTORE_TLS_KEY}",
            description = "With rediss://: the client certificate's private key, PEM PKCS#8 (env STATESTORE_TLS_KEY).")
    Path keyFile;

    @Option(
            names = "--tls-insecure-skip-verify",
            scope = ScopeType.INHERIT,
            description =
                    "With rediss://: accept any server certificate for any host name. Insecure: for a test bench only.")
    boolean insecureSkipVerify;

    /** The options given, relative paths resolved against {@code workDir}. */
    TlsOptions options(Path workDir) {
        return TlsOptions.builder()
                .caFile(resolve(workDir, caFile))
                .certFile(resolve(workDir, certFile))
                .keyFile(resolve(workDir, keyFile))
                .insecureSkipVerify(insecureSkipVerify)
                .build();
    }

    private static Path resolve(Path workDir, Path p) {
        return p == null ? null : workDir.resolve(p);
    }
}
