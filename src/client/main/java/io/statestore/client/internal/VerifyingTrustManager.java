package io.statestore.client.internal;

import java.net.Socket;
import java.security.cert.CertificateException;
import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Date;
import java.util.List;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.X509ExtendedTrustManager;

/**
 * The JDK's PKIX trust manager (which also checks the host name, the socket's endpoint
 * identification being HTTPS), with its failures told in our words: which server, and whether
 * the certificate expired, is signed by no trusted CA, or does not name the host. The message
 * travels as a {@link Failure} through the handshake exception to {@link TlsFailures}.
 */
public final class VerifyingTrustManager extends X509ExtendedTrustManager {
    private final X509ExtendedTrustManager delegate;
    private final String trustSource;

    /** trustSource: where the trusted CAs come from, for messages ("a CA in /etc/ca.pem"). */
    public VerifyingTrustManager(X509ExtendedTrustManager delegate, String trustSource) {
        this.delegate = delegate;
        this.trustSource = trustSource;
    }

    /** A verification failure already worded for the user. */
    static final class Failure extends CertificateException {
        Failure(String message, Throwable cause) {
            super(message, cause);
        }
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket)
            throws CertificateException {
        ClientCertificates.handshakeStarted();
        try {
            delegate.checkServerTrusted(chain, authType, socket);
        } catch (CertificateException e) {
            String host = socket instanceof SSLSocket s && s.getHandshakeSession() != null
                    ? s.getHandshakeSession().getPeerHost()
                    : String.valueOf(socket.getInetAddress());
            throw explain(chain, authType, host, socket.getPort(), e);
        }
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
            throws CertificateException {
        ClientCertificates.handshakeStarted();
        try {
            delegate.checkServerTrusted(chain, authType, engine);
        } catch (CertificateException e) {
            throw explain(chain, authType, engine.getPeerHost(), engine.getPeerPort(), e);
        }
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType) throws CertificateException {
        delegate.checkServerTrusted(chain, authType);
    }

    private CertificateException explain(
            X509Certificate[] chain, String authType, String host, int port, CertificateException e) {
        String who = "TLS: the server certificate of " + host + ":" + port;
        Date now = new Date();
        for (X509Certificate c : chain) {
            if (now.after(c.getNotAfter())) {
                String whose = c == chain[0]
                        ? ""
                        : " (its issuer " + c.getSubjectX500Principal().getName() + ")";
                return new Failure(who + whose + " expired on " + day(c.getNotAfter()), e);
            }
            if (now.before(c.getNotBefore())) {
                return new Failure(
                        who + " is not valid before " + day(c.getNotBefore()) + " (is this machine's clock right?)", e);
            }
        }
        try {
            delegate.checkServerTrusted(chain, authType); // the chain alone, without the host name
        } catch (CertificateException untrusted) {
            return new Failure(who + " is not signed by " + trustSource, e);
        }
        return new Failure(who + ": host name " + host + " is not among the certificate's names " + names(chain[0]), e);
    }

    private static String day(Date d) {
        return d.toInstant().atOffset(ZoneOffset.UTC).toLocalDate().toString();
    }

    /** The subject alternative names as openssl prints them: [DNS:otherhost, IP:10.0.0.1]. */
    static List<String> names(X509Certificate c) {
        List<String> out = new ArrayList<>();
        try {
            Collection<List<?>> sans = c.getSubjectAlternativeNames();
            if (sans != null) {
                for (List<?> san : sans) {
                    int type = (Integer) san.get(0);
                    String prefix = type == 2 ? "DNS:" : type == 7 ? "IP:" : "type" + type + ":";
                    out.add(prefix + san.get(1));
                }
            }
        } catch (CertificateParsingException ignored) {
            // reported as no names
        }
        if (out.isEmpty()) {
            out.add("(none; subject " + c.getSubjectX500Principal().getName() + ")");
        }
        return out;
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket)
            throws CertificateException {
        delegate.checkClientTrusted(chain, authType, socket);
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
            throws CertificateException {
        delegate.checkClientTrusted(chain, authType, engine);
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType) throws CertificateException {
        delegate.checkClientTrusted(chain, authType);
    }

    @Override
    public X509Certificate[] getAcceptedIssuers() {
        return delegate.getAcceptedIssuers();
    }
}
