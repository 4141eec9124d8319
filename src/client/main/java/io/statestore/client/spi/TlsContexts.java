package io.statestore.client.spi;

import io.statestore.client.InvalidInputException;
import io.statestore.client.TlsException;
import io.statestore.client.TlsOptions;
import io.statestore.client.internal.ClientCertificates;
import io.statestore.client.internal.FreshHandshakes;
import io.statestore.client.internal.PemFiles;
import io.statestore.client.internal.VerifyingTrustManager;
import java.net.Socket;
import java.net.URI;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import javax.net.ssl.KeyManager;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509ExtendedKeyManager;
import javax.net.ssl.X509ExtendedTrustManager;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import redis.clients.jedis.DefaultJedisClientConfig;

/**
 * Turns {@link TlsOptions} into what Jedis needs for a {@code rediss://} connection: a socket
 * factory whose trust manager verifies the server certificate (against the CA file, else the
 * JVM's trust store) and whose key manager presents the client certificate, and parameters that
 * make the JDK check the host name against the certificate's names.
 */
public final class TlsContexts {
    private static final Logger LOG = LoggerFactory.getLogger(TlsContexts.class);
    private static final AtomicBoolean INSECURE_WARNED = new AtomicBoolean();

    private TlsContexts() {}

    /** Refuses TLS options for a URL that does not use TLS: they would be silently ignored. */
    public static void requireTlsUrl(URI uri, TlsOptions tls) {
        String scheme = uri.getScheme();
        if (tls.configured()
                && !"rediss".equals(scheme)
                && !"rediss-sentinel".equals(scheme)
                && !"rediss-cluster".equals(scheme)) {
            throw new InvalidInputException("TLS options (CA, client certificate, insecure skip) go with a rediss:// or"
                    + " rediss-sentinel:// URL (rediss-cluster:// for Redis Cluster), not \""
                    + RedisEndpoint.redacted(uri.toString()) + "\"");
        }
    }

    /** Sets up {@code b} (ssl already on) to verify the server and, when configured, present a client certificate. */
    public static DefaultJedisClientConfig.Builder configure(DefaultJedisClientConfig.Builder b, TlsOptions tls) {
        SSLParameters parameters = new SSLParameters();
        if (!tls.insecureSkipVerify()) {
            parameters.setEndpointIdentificationAlgorithm(
                    "HTTPS"); // host name against the certificate's IP and DNS names
        }
        return b.sslSocketFactory(new FreshHandshakes(context(tls).getSocketFactory()))
                .sslParameters(parameters);
    }

    static SSLContext context(TlsOptions tls) {
        TrustManager trust =
                tls.insecureSkipVerify() ? insecure() : verifying(tls.caFile().orElse(null));
        KeyManager keys = new ClientCertificates(
                tls.certFile().isPresent()
                        ? keyManager(tls.certFile().get(), tls.keyFile().orElseThrow())
                        : null);
        try {
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(new KeyManager[] {keys}, new TrustManager[] {trust}, null);
            return context;
        } catch (GeneralSecurityException e) {
            throw new TlsException("TLS: cannot set up a TLS context: " + e.getMessage(), e);
        }
    }

    private static TrustManager verifying(Path caFile) {
        try {
            TrustManagerFactory f = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            if (caFile == null) {
                f.init((KeyStore) null); // the JVM's default trust store
            } else {
                KeyStore store = emptyStore();
                List<X509Certificate> cas = PemFiles.certificates(caFile, "CA file");
                for (int i = 0; i < cas.size(); i++) {
                    store.setCertificateEntry("ca" + i, cas.get(i));
                }
                f.init(store);
            }
            for (TrustManager tm : f.getTrustManagers()) {
                if (tm instanceof X509ExtendedTrustManager x) {
                    return new VerifyingTrustManager(
                            x,
                            caFile == null
                                    ? "a CA of the JVM's default trust store" + " (give the server's CA with --tls-ca)"
                                    : "a CA in " + caFile);
                }
            }
            throw new TlsException("TLS: the JVM offers no X.509 trust manager", null);
        } catch (GeneralSecurityException e) {
            throw new TlsException("TLS: cannot use the CA file " + caFile + ": " + e.getMessage(), e);
        }
    }

    private static X509ExtendedKeyManager keyManager(Path certFile, Path keyFile) {
        List<X509Certificate> chain = PemFiles.certificates(certFile, "client certificate file");
        PrivateKey key = PemFiles.privateKey(keyFile);
        try {
            KeyStore store = emptyStore();
            char[] none = new char[0]; // the store lives in memory only
            store.setKeyEntry("client", key, none, chain.toArray(new X509Certificate[0]));
            KeyManagerFactory f = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            f.init(store, none);
            for (KeyManager km : f.getKeyManagers()) {
                if (km instanceof X509ExtendedKeyManager x) {
                    return x;
                }
            }
            throw new TlsException("TLS: the JVM offers no X.509 key manager", null);
        } catch (GeneralSecurityException e) {
            throw new TlsException(
                    "TLS: the key in " + keyFile + " does not go with the certificate in " + certFile + ": "
                            + e.getMessage(),
                    e);
        }
    }

    private static KeyStore emptyStore() throws GeneralSecurityException {
        KeyStore store = KeyStore.getInstance("PKCS12");
        try {
            store.load(null, null);
        } catch (java.io.IOException e) {
            throw new GeneralSecurityException(e);
        }
        return store;
    }

    /** For tests: the next insecure context warns again. */
    static void forgetInsecureWarning() {
        INSECURE_WARNED.set(false);
    }

    private static TrustManager insecure() {
        if (INSECURE_WARNED.compareAndSet(false, true)) {
            LOG.warn("TLS server certificates are NOT verified (insecure skip verify): anyone on the network path can"
                    + " read and change the data; give the server's CA instead (docs/tls.md)");
        }
        return new AcceptAll();
    }

    /** Accepts every server certificate, with no host name check: only behind the explicit insecure flag. */
    private static final class AcceptAll extends X509ExtendedTrustManager {
        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket) {
            ClientCertificates.handshakeStarted();
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine) {
            ClientCertificates.handshakeStarted();
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType) {}

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket) {}

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine) {}

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType) {}

        @Override
        public X509Certificate[] getAcceptedIssuers() {
            return new X509Certificate[0];
        }
    }
}
