package io.statestore.client;

/**
 * A TLS connection could not be set up: the server certificate failed verification (unknown
 * CA, expired, host name not among its names), the server wants a client certificate, or a
 * certificate or key file cannot be used. Trying again does not help until the certificates or
 * the options change, so it is never retried; the message names the reason in one line.
 */
public final class TlsException extends StateStoreException {
    public TlsException(String message, Throwable cause) {
        super(ErrorCode.INVALID_INPUT, message, cause);
    }
}
