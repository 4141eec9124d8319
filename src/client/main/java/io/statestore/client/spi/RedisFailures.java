package io.statestore.client.spi;

import io.statestore.client.internal.ErrorMapper;

/**
 * Why a call to Redis failed, as one short phrase in our words for a log line ("nothing listens
 * on 127.0.0.1:6479", "the connection closed"): the daemon and the background loops of the client
 * log an outage at WARN without the library's wording or a stack trace (that goes to DEBUG).
 */
public final class RedisFailures {
    private RedisFailures() {}

    public static String describe(Throwable e) {
        if (e == null) {
            return "unknown failure";
        }
        for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (ErrorMapper.isConnectionFailure(t)) {
                return ErrorMapper.reason(t);
            }
            if (t instanceof io.statestore.client.StateStoreException) {
                return firstLine(t.getMessage());
            }
        }
        return firstLine(e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage());
    }

    private static String firstLine(String m) {
        return m == null ? "" : m.lines().findFirst().orElse("").replaceAll("\\.$", "");
    }
}
