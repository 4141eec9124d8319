package io.statestore.daemon.redis;

/**
 * Whether the embedded server can write its AOF and RDB, as {@link PersistenceWatch} last saw it:
 * {@code ok}, or failing with the reason in an operator's words ("disk full: /path has N bytes
 * free, about M needed; ...").
 *
 * @param ok         both the AOF and the last RDB save are fine
 * @param reason     empty when ok
 * @param freeBytes  usable space of the server's directory at the last check
 * @param rdbCovers  while the AOF fails: a snapshot taken after the failure holds every
 *                   acknowledged write, and the next start will load it instead of the AOF
 */
public record PersistenceState(boolean ok, String reason, long freeBytes, boolean rdbCovers) {
    public static PersistenceState unknown() {
        return new PersistenceState(true, "", -1, false);
    }

    /** {@code ok} or {@code failing: <reason>}: the {@code persistence} field of the status hash. */
    public String summary() {
        return ok ? "ok" : "failing: " + reason;
    }
}
