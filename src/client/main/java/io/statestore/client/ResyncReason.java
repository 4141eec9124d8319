package io.statestore.client;

/** Why a watcher could not continue without a gap. */
public enum ResyncReason {
    /** Feed entries after the watcher's position were trimmed away before it read them. */
    TRIMMED,
    /** The feed holds nothing as late as the watcher's position: Redis lost entries (restart without them, flush). */
    FEED_BEHIND,
    /** The listener fell behind by more than the buffer and the policy is {@link SlowListenerPolicy#RESYNC}. */
    SLOW_LISTENER
}
