package io.statestore.client.internal;

import java.io.IOException;
import java.net.InetAddress;
import java.net.Socket;
import javax.net.ssl.SSLSocketFactory;

/**
 * The TLS socket factory, forgetting what an earlier handshake on this thread did about a client
 * certificate whenever a new socket is made: {@link ClientCertificates} then only ever speaks of
 * the connection being set up (a resumed session skips the server certificate check, where it
 * would otherwise be forgotten).
 */
public final class FreshHandshakes extends SSLSocketFactory {
    private final SSLSocketFactory delegate;

    public FreshHandshakes(SSLSocketFactory delegate) {
        this.delegate = delegate;
    }

    @Override
    public Socket createSocket(Socket s, String host, int port, boolean autoClose) throws IOException {
        ClientCertificates.handshakeStarted();
        return delegate.createSocket(s, host, port, autoClose);
    }

    @Override
    public Socket createSocket(String host, int port) throws IOException {
        ClientCertificates.handshakeStarted();
        return delegate.createSocket(host, port);
    }

    @Override
    public Socket createSocket(String host, int port, InetAddress localHost, int localPort) throws IOException {
        ClientCertificates.handshakeStarted();
        return delegate.createSocket(host, port, localHost, localPort);
    }

    @Override
    public Socket createSocket(InetAddress host, int port) throws IOException {
        ClientCertificates.handshakeStarted();
        return delegate.createSocket(host, port);
    }

    @Override
    public Socket createSocket(InetAddress address, int port, InetAddress localAddress, int localPort)
            throws IOException {
        ClientCertificates.handshakeStarted();
        return delegate.createSocket(address, port, localAddress, localPort);
    }

    @Override
    public String[] getDefaultCipherSuites() {
        return delegate.getDefaultCipherSuites();
    }

    @Override
    public String[] getSupportedCipherSuites() {
        return delegate.getSupportedCipherSuites();
    }
}
