package io.statestore.client.internal;

import java.net.Socket;
import java.security.Principal;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.X509ExtendedKeyManager;

/**
 * Remembers, per thread, what the latest TLS handshake did about a client certificate. With TLS
 * 1.3 a server that wants one (or refuses ours) says so only after the client has finished its
 * handshake: redis-server then closes the connection, and the client sees a broken pipe while
 * sending its first command, a failure that looks like a server going away. The handshake runs on
 * the thread that opens the connection, so {@link TlsFailures} can ask here, on that thread, what
 * the server was told.
 */
public final class ClientCertificates extends X509ExtendedKeyManager {
    enum Outcome {
        NOT_ASKED,
        ASKED_NONE_GIVEN,
        GIVEN
    }

    private static final ThreadLocal<Outcome> LATEST = ThreadLocal.withInitial(() -> Outcome.NOT_ASKED);

    private final X509ExtendedKeyManager delegate; // null: no client certificate configured

    public ClientCertificates(X509ExtendedKeyManager delegate) {
        this.delegate = delegate;
    }

    /** Called as the server's certificate arrives, before the server can ask for the client's. */
    public static void handshakeStarted() {
        LATEST.set(Outcome.NOT_ASKED);
    }

    /** What the latest handshake on this thread did; forgets it, so it explains at most one failure. */
    static Outcome takeLatest() {
        Outcome o = LATEST.get();
        LATEST.remove();
        return o;
    }

    private static String record(String alias) {
        LATEST.set(alias == null ? Outcome.ASKED_NONE_GIVEN : Outcome.GIVEN);
        return alias;
    }

    @Override
    public String chooseClientAlias(String[] keyType, Principal[] issuers, Socket socket) {
        return record(delegate == null ? null : delegate.chooseClientAlias(keyType, issuers, socket));
    }

    @Override
    public String chooseEngineClientAlias(String[] keyType, Principal[] issuers, SSLEngine engine) {
        return record(delegate == null ? null : delegate.chooseEngineClientAlias(keyType, issuers, engine));
    }

    @Override
    public X509Certificate[] getCertificateChain(String alias) {
        return delegate == null ? null : delegate.getCertificateChain(alias);
    }

    @Override
    public PrivateKey getPrivateKey(String alias) {
        return delegate == null ? null : delegate.getPrivateKey(alias);
    }

    @Override
    public String[] getClientAliases(String keyType, Principal[] issuers) {
        return delegate == null ? null : delegate.getClientAliases(keyType, issuers);
    }

    @Override
    public String[] getServerAliases(String keyType, Principal[] issuers) {
        return null; // a client only
    }

    @Override
    public String chooseServerAlias(String keyType, Principal[] issuers, Socket socket) {
        return null;
    }
}
