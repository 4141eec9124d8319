package io.statestore.client.spi;

import io.statestore.client.InvalidInputException;
import io.statestore.client.PermissionDeniedException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Puts our function libraries on a server, or checks that the one there will do. The library is
 * the trust boundary (every write goes through it), so a library of our name is used only if it
 * is byte-identical to ours, or a newer version that registers every function we call; an older
 * one (or none) is replaced with ours; anything else is refused with an explanation, unless
 * forced. See docs/functions.md.
 *
 * <p>Refusals are {@link InvalidInputException}: waiting does not cure them (an operator has to
 * install the right library), so they must not look retryable as {@code UnavailableException}
 * would, which would also make a spooling publisher spool forever. The client already reports
 * other server set-up problems (wrong credentials, a missing ACL permission) the same way.
 */
public final class LibraryInstaller {
    private static final Logger LOG = LoggerFactory.getLogger(LibraryInstaller.class);

    /** What {@link #install} did. */
    public enum Action {
        /** The server had none; ours was loaded. */
        LOADED,
        /** The server had an older version; ours replaced it. */
        UPGRADED,
        /** Forced: ours replaced a same-or-newer version with other code. */
        REPLACED,
        /** The server already had ours, byte for byte. */
        UNCHANGED,
        /** The server has a newer version that registers every function we call; left alone. */
        KEPT_NEWER
    }

    /** The outcome of an install: what was there before, and what was done. */
    public record Outcome(LibraryStatus before, Action action) {}

    private final RedisGateway redis;

    public LibraryInstaller(RedisGateway redis) {
        this.redis = redis;
    }

    /** How the server's library of that name compares with {@code ours}. */
    public LibraryStatus status(FunctionLibrary ours) {
        return new LibraryStatus(ours, ServerLibrary.read(redis, ours.name(), ours.versionFunction()));
    }

    /**
     * Loads {@code ours} when the server has none or an older version; with {@code force} also
     * over a same-or-newer version with other code.
     *
     * @throws InvalidInputException when the server has our version with other code, or a newer
     *                               one lacking functions we call, and {@code force} is off
     */
    public Outcome install(FunctionLibrary ours, boolean force) {
        LibraryStatus s = status(ours);
        switch (s.verdict()) {
            case SAME:
                return new Outcome(s, Action.UNCHANGED);
            case ABSENT:
                load(ours);
                LOG.info("installed function library {} v{} (sha256 {})", ours.name(), ours.version(), ours.digest());
                return new Outcome(s, Action.LOADED);
            case OLDER:
                load(ours);
                LOG.info(
                        "upgraded function library {} from v{} to v{}", ours.name(), s.serverVersion(), ours.version());
                return new Outcome(s, Action.UPGRADED);
            case NEWER_COMPATIBLE:
                if (!force) {
                    LOG.info(
                            "server has function library {} v{}, newer than this client's v{}; using it",
                            ours.name(),
                            s.serverVersion(),
                            ours.version());
                    return new Outcome(s, Action.KEPT_NEWER);
                }
                break;
            default:
                if (!force) {
                    throw refusal(s);
                }
                break;
        }
        load(ours);
        LOG.warn(
                "replaced function library {} v{} (sha256 {}) with this client's v{} (sha256 {}) as forced",
                ours.name(),
                s.serverVersion(),
                s.server().orElseThrow().digest(),
                ours.version(),
                ours.digest());
        return new Outcome(s, Action.REPLACED);
    }

    private void load(FunctionLibrary ours) {
        try {
            redis.call(jedis -> jedis.functionLoadReplace(ours.code()), null, true, "FUNCTION LOAD");
        } catch (PermissionDeniedException e) {
            throw new PermissionDeniedException(
                    "Redis at " + redis.endpoint() + " lacks function library " + ours.name()
                            + " v" + ours.version() + " and this credential may not install it: " + e.getMessage()
                            + "; the daemon installs it at start, or run 'statestore functions install' as the daemon's user");
        }
    }

    private InvalidInputException refusal(LibraryStatus s) {
        FunctionLibrary ours = s.ours();
        ServerLibrary theirs = s.server().orElseThrow();
        String where = "function library " + ours.name() + " on Redis at " + redis.endpoint() + " is version "
                + theirs.version();
        String digests = " (server sha256 " + theirs.digest() + ", this client's sha256 " + ours.digest() + ")";
        if (s.verdict() == LibraryStatus.Verdict.DIFFERENT) {
            return new InvalidInputException(where + ", like this client's, but its code is different" + digests
                    + ": clients built from either code would each assume their own functions."
                    + " If this client's code is the one to keep, run 'statestore functions install --force';"
                    + " otherwise use a client built from the server's code");
        }
        return new InvalidInputException(where + ", newer than this client's " + ours.version()
                + ", but lacks functions this client calls: " + String.join(", ", s.missingFunctions()) + digests
                + ". Load a complete library: 'statestore functions install --force' installs this client's version "
                + ours.version());
    }
}
