package io.statestore.client;

import java.nio.file.Path;
import java.util.Objects;
import java.util.Optional;

/**
 * How a {@code rediss://} connection checks the server and proves who the client is.
 * Immutable; build with {@link #builder()}. The server certificate is always verified (against
 * {@link #caFile()}, else the JVM's default trust store) together with the host name, unless
 * {@link #insecureSkipVerify()} says otherwise; see docs/tls.md.
 */
public final class TlsOptions {
    private static final TlsOptions DEFAULTS = new TlsOptions(null, null, null, false);

    private final Path caFile;
    private final Path certFile;
    private final Path keyFile;
    private final boolean insecureSkipVerify;

    private TlsOptions(Path caFile, Path certFile, Path keyFile, boolean insecureSkipVerify) {
        this.caFile = caFile;
        this.certFile = certFile;
        this.keyFile = keyFile;
        this.insecureSkipVerify = insecureSkipVerify;
    }

    /** Verify against the JVM's default trust store, no client certificate. */
    public static TlsOptions defaults() {
        return DEFAULTS;
    }

    public static Builder builder() {
        return new Builder();
    }

    /** PEM file of the CA certificates (one or several) the server certificate must chain to. */
    public Optional<Path> caFile() {
        return Optional.ofNullable(caFile);
    }

    /** PEM file of the client certificate (and its intermediates), for servers that require one. */
    public Optional<Path> certFile() {
        return Optional.ofNullable(certFile);
    }

    /** PEM file of the client certificate's private key (PKCS#8, unencrypted). */
    public Optional<Path> keyFile() {
        return Optional.ofNullable(keyFile);
    }

    /** Whether the server certificate and host name go unchecked (a warning is logged once). */
    public boolean insecureSkipVerify() {
        return insecureSkipVerify;
    }

    /** Whether anything differs from {@link #defaults()}: such options need a TLS URL. */
    public boolean configured() {
        return !equals(DEFAULTS);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof TlsOptions t
                && Objects.equals(caFile, t.caFile)
                && Objects.equals(certFile, t.certFile)
                && Objects.equals(keyFile, t.keyFile)
                && insecureSkipVerify == t.insecureSkipVerify;
    }

    @Override
    public int hashCode() {
        return Objects.hash(caFile, certFile, keyFile, insecureSkipVerify);
    }

    @Override
    public String toString() {
        return "TlsOptions[ca=" + caFile + ", cert=" + certFile + ", key=" + keyFile
                + (insecureSkipVerify ? ", insecureSkipVerify" : "") + "]";
    }

    public static final class Builder {
        private Path caFile;
        private Path certFile;
        private Path keyFile;
        private boolean insecureSkipVerify;

        private Builder() {}

        public Builder caFile(Path caFile) {
            this.caFile = caFile;
            return this;
        }

        public Builder certFile(Path certFile) {
            this.certFile = certFile;
            return this;
        }

        public Builder keyFile(Path keyFile) {
            this.keyFile = keyFile;
            return this;
        }

        /** Accept any server certificate for any host name: for a test bench, never for real data. */
        public Builder insecureSkipVerify(boolean insecureSkipVerify) {
            this.insecureSkipVerify = insecureSkipVerify;
            return this;
        }

        public TlsOptions build() {
            if ((certFile == null) != (keyFile == null)) {
                throw new InvalidInputException(
                        "a client certificate needs both files: give the certificate (--tls-cert)"
                                + " and its private key (--tls-key)");
            }
            if (insecureSkipVerify && caFile != null) {
                throw new InvalidInputException("a TLS CA file and skipping verification exclude each other:"
                        + " give one of --tls-ca and --tls-insecure-skip-verify");
            }
            return new TlsOptions(caFile, certFile, keyFile, insecureSkipVerify);
        }
    }
}
