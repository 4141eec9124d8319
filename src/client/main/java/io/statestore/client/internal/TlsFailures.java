package io.statestore.client.internal;

import io.statestore.client.TlsException;
import io.statestore.client.spi.RedisEndpoint;
import io.statestore.client.spi.TlsContexts;
import java.util.Locale;
import javax.net.ssl.SSLException;
import redis.clients.jedis.DefaultJedisClientConfig;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.exceptions.JedisException;

/**
 * Recognises, in a connection failure, the TLS problems that trying again cannot fix (a
 * certificate that fails verification, a client certificate missing or refused, a server that
 * does not speak TLS) and words them in one line. Anything else (a handshake cut short by a
 * restarting server, a timeout) is left to the caller as ordinary unavailability.
 */
public final class TlsFailures {
    private static final String REQUIRED =
            "TLS: the server requires a client certificate: give --tls-cert and --tls-key";

    private TlsFailures() {}

    /** The failure as a {@link TlsException}, or null when it is not a lasting TLS problem. */
    public static TlsException translate(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof TlsException tls) {
                return tls;
            }
            if (t instanceof VerifyingTrustManager.Failure f) {
                return new TlsException(f.getMessage(), failure);
            }
            if (t instanceof SSLException ssl && ssl.getMessage() != null) {
                String why = explain(ssl.getMessage());
                if (why != null) {
                    return new TlsException(why, failure);
                }
            }
        }
        String why = duringTlsSetUp(failure) ? fromClientCertificate(ClientCertificates.takeLatest()) : null;
        return why == null ? null : new TlsException(why, failure);
    }

    /**
     * A connection that broke while sending its first commands, right after a handshake in
     * which the server asked for a client certificate: with TLS 1.3 that is how redis-server's
     * refusal arrives (see {@link ClientCertificates}).
     */
    private static String fromClientCertificate(ClientCertificates.Outcome latest) {
        return switch (latest) {
            case ASKED_NONE_GIVEN -> REQUIRED;
            case GIVEN ->
                "TLS: the server refused the client certificate (it closed the connection after the handshake):"
                        + " it must be signed by a CA the server trusts (its tls-ca-cert-file)";
            case NOT_ASKED -> null;
        };
    }

    /**
     * Whether the connection broke while it was being set up (its first commands) and inside
     * TLS (the JDK's TLS socket was reading or writing): not while connecting, not on a plain socket.
     */
    private static boolean duringTlsSetUp(Throwable failure) {
        boolean setUp = false;
        boolean tls = false;
        for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
            for (StackTraceElement frame : t.getStackTrace()) {
                setUp |= frame.getClassName().equals("redis.clients.jedis.Connection")
                        && frame.getMethodName().equals("initializeFromClientConfig");
                tls |= frame.getClassName().startsWith("sun.security.ssl.SSLSocketImpl");
            }
        }
        return setUp && tls;
    }

    /**
     * Jedis reports Sentinels it could not ask as "All sentinels down", without the reason; when
     * that reason is a TLS problem, one direct connection to each Sentinel finds it.
     */
    public static TlsException probeSentinels(RedisEndpoint endpoint, int timeoutMillis) {
        for (HostAndPort sentinel : endpoint.hosts()) {
            DefaultJedisClientConfig.Builder b =
                    DefaultJedisClientConfig.builder().ssl(true).timeoutMillis(timeoutMillis);
            try (Jedis j =
                    new Jedis(sentinel, TlsContexts.configure(b, endpoint.tls()).build())) {
                j.ping();
            } catch (JedisException e) {
                TlsException tls = translate(e); // anything else (NOAUTH, down) is for the pool's message
                if (tls != null) {
                    return tls;
                }
            }
        }
        return null;
    }

    private static String explain(String message) {
        String m = message.toLowerCase(Locale.ROOT);
        if (m.contains("certificate_required")) {
            return REQUIRED;
        }
        if (m.contains("unknown_ca") || m.contains("bad_certificate") || m.contains("certificate_unknown")) {
            return "TLS: the server refused the client certificate (" + message.strip()
                    + "): it must be signed by a CA the server trusts (its tls-ca-cert-file)";
        }
        if (m.contains("unsupported or unrecognized ssl message")) {
            return "TLS: the server does not speak TLS on this port (is it a plain redis:// server?)";
        }
        return null;
    }
}
