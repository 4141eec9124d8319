package io.statestore.client.internal;

import io.statestore.client.ConflictException;
import io.statestore.client.InvalidInputException;
import io.statestore.client.NotFoundException;
import io.statestore.client.PermissionDeniedException;
import io.statestore.client.StateStoreException;
import io.statestore.client.UnavailableException;
import java.util.OptionalLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import redis.clients.jedis.exceptions.JedisConnectionException;
import redis.clients.jedis.exceptions.JedisDataException;
import redis.clients.jedis.exceptions.JedisException;

/** Maps Redis error replies and Jedis failures to the statestore exception family, in one place. */
public final class ErrorMapper {
    private static final Pattern CURRENT_REVISION = Pattern.compile("current revision (\\d+)");

    private ErrorMapper() {}

    /**
     * @param key  the document the call was about (for messages)
     * @param sent whether the command may have reached the server (decides "outcome unknown")
     */
    public static StateStoreException map(JedisException e, String key, boolean sent) {
        return map(e, key, sent, null);
    }

    /** The same; {@code endpoint} (the redacted URL) is named when the server cannot be reached. */
    public static StateStoreException map(JedisException e, String key, boolean sent, String endpoint) {
        if (e instanceof JedisDataException) {
            return fromReply(e.getMessage(), key);
        }
        StateStoreException tls = TlsFailures.translate(e); // lasting: never mapped to "unavailable", so never retried
        if (tls != null) {
            return tls;
        }
        String what = key == null ? "" : " (key \"" + key + "\")";
        if (e instanceof JedisConnectionException && !sent) {
            if (endpoint != null) {
                return new UnavailableException(cannotReach(endpoint, e) + what + "; " + tryFor(endpoint), false, e);
            }
            return new UnavailableException("Redis is unavailable" + what + ": " + e.getMessage(), false, e);
        }
        return new UnavailableException(
                "Redis did not answer" + what + "; a write may or may not have been applied: " + e.getMessage(),
                sent,
                e);
    }

    /** What to try when the server cannot be reached. */
    public static final String TRY = "is the daemon running? (statestore daemon, systemctl status statestore)";

    /**
     * What to try when a cluster cannot be reached: no daemon runs a cluster's nodes (docs/cluster.md),
     * so the question is whether the nodes run and the seeds in the URL lead to them.
     */
    public static final String TRY_CLUSTER = "check that the cluster's nodes are running, that the seed nodes in the"
            + " URL are their addresses as seen from this host, and that the cluster is up"
            + " (redis-cli -c -h HOST -p PORT CLUSTER INFO says cluster_state:ok)";

    /** {@link #TRY_CLUSTER} for a redis-cluster:// or rediss-cluster:// endpoint, else {@link #TRY}. */
    public static String tryFor(String endpoint) {
        return isCluster(endpoint) ? TRY_CLUSTER : TRY;
    }

    private static boolean isCluster(String endpoint) {
        return endpoint != null
                && (endpoint.startsWith("redis-cluster://") || endpoint.startsWith("rediss-cluster://"));
    }

    /**
     * "cannot reach Redis at URL: REASON", the reason in our words from the socket failure under
     * Jedis's ("Failed to create socket.", "Failed to connect to ..."): unknown host, nothing
     * listening, no answer in time.
     */
    public static String cannotReach(String endpoint, Throwable e) {
        return "cannot reach Redis" + (isCluster(endpoint) ? " Cluster" : "") + " at " + endpoint + ": " + reason(e);
    }

    /** Whether {@code t} is the client library's "the connection failed" (not an error reply). */
    public static boolean isConnectionFailure(Throwable t) {
        return t instanceof JedisConnectionException;
    }

    public static String reason(Throwable e) {
        String where = null;
        java.util.List<Throwable> all = new java.util.ArrayList<>();
        for (Throwable t = e; t != null && all.size() < 20; t = t.getCause() == t ? null : t.getCause()) {
            all.add(t);
            all.addAll(java.util.List.of(t.getSuppressed()));
        }
        for (Throwable t : all) {
            Matcher m = FAILED_TO_CONNECT.matcher(t.getMessage() == null ? "" : t.getMessage());
            if (where == null && m.matches()) {
                where = m.group(1);
            }
        }
        for (Throwable t : all) {
            if (t instanceof java.net.UnknownHostException) {
                return "unknown host \"" + hostOf(t.getMessage()) + "\"";
            }
            if (t instanceof java.net.NoRouteToHostException) {
                return "no route to " + (where == null ? "the host" : where);
            }
            if (t instanceof java.net.ConnectException) {
                return where == null ? "connection refused (nothing listens there)" : "nothing listens on " + where;
            }
            if (t instanceof java.net.SocketTimeoutException) {
                return "no answer in time" + (where == null ? "" : " from " + where) + " (timed out)";
            }
        }
        for (Throwable t : all) {
            String m = t.getMessage() == null ? "" : t.getMessage();
            if (m.startsWith("Unexpected end of stream")
                    || m.contains("Connection reset")
                    || m.contains("Broken pipe")) {
                return "the connection closed" + (where == null ? "" : " (" + where + ")")
                        + ": the server stopped or restarted, or dropped the client";
            }
            if (where != null && m.startsWith("Failed to connect")) {
                return "cannot connect to " + where;
            }
        }
        String m = e.getMessage();
        return m == null ? e.getClass().getSimpleName() : m.replaceAll("\\.$", "");
    }

    private static final Pattern FAILED_TO_CONNECT =
            Pattern.compile("^Failed to connect to (?:[^/\\s]*/)?([^\\s]+?)\\.?$");

    // UnknownHostException's message is the host, sometimes followed by ": Name or service not known".
    private static String hostOf(String message) {
        if (message == null) {
            return "?";
        }
        int colon = message.indexOf(": ");
        return colon < 0 ? message : message.substring(0, colon);
    }

    private static String about(String key) {
        return key == null ? "" : " (key \"" + key + "\")";
    }

    /** Turns an error reply such as "SS_CONFLICT ..." into the matching exception. */
    public static StateStoreException fromReply(String reply, String key) {
        String message = reply == null ? "" : reply;
        int space = message.indexOf(' ');
        String code = space < 0 ? message : message.substring(0, space);
        String rest = space < 0 ? "" : message.substring(space + 1);
        switch (code) {
            case "SS_CONFLICT": {
                Matcher m = CURRENT_REVISION.matcher(rest);
                OptionalLong current = m.find() ? OptionalLong.of(Long.parseLong(m.group(1))) : OptionalLong.empty();
                return new ConflictException(key, current, "conflict: " + rest);
            }
            case "SS_NOTFOUND":
                return new NotFoundException(key, "not found: " + rest);
            case "SS_PATH":
                return new InvalidInputException("bad path: " + rest);
            case "SS_TYPE":
                return new InvalidInputException("wrong type at path: " + rest);
            case "SS_WRONGTYPE":
                return new InvalidInputException("wrong key type: " + rest);
            case "SS_STRINGDOC":
                return new StoredAsStringException(key, rest);
            case "SS_INVALID":
                return new InvalidInputException("invalid request: " + rest);
            case "SS_KEY":
                return new InvalidInputException(rest);
            case "SS_KEYS":
                return new InvalidInputException("the call named keys other than those its document needs: " + rest);
            case "SS_JSON":
                return new InvalidInputException("invalid JSON in " + rest);
            case "SS_WID":
                return new InvalidInputException("reused write ID: " + rest);
            case "SS_CHAINSTOP": // an earlier link of its ss_chain failed; this one was not applied
                return new UnavailableException("not applied, chain stopped: " + rest, false, null);
            case "SS_INTERNAL":
                return new InvalidInputException(
                        "the statestore function failed unexpectedly" + about(key) + ": " + rest);
            // The server is up but cannot take the call for now, and did nothing: still loading,
            // demoted to a replica by a failover (READONLY), out of memory, too few replicas,
            // unable to persist (MISCONF). A retry or the outage spool is the answer, not a fix
            // of the input.
            case "NOSCRIPT",
                    "LOADING",
                    "BUSY",
                    "MASTERDOWN",
                    "TRYAGAIN",
                    "CLUSTERDOWN",
                    "READONLY",
                    "OOM",
                    "NOREPLICAS",
                    "MISCONF":
                return new UnavailableException(
                        "Redis cannot serve the call now" + about(key) + ": " + message, false, null);
            case "NOAUTH", "WRONGPASS":
                return new PermissionDeniedException("Redis refused the credentials (check the user and the password"
                        + " file; docs/security.md): " + message);
            case "NOPERM":
                return new PermissionDeniedException(
                        "the Redis user lacks a permission for this call" + about(key) + ": " + message);
            default:
                return new InvalidInputException("Redis refused the call" + about(key) + ": " + message);
        }
    }
}
