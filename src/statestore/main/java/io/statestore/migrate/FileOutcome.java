package io.statestore.migrate;

/**
 * The result for one file: action, target key, and for problems a code and reason. For a
 * document changed in the store since import, {@code recordedRevision} is the revision the
 * ledger recorded (null when the entry predates revisions) and {@code storeRevision} the one
 * found; both null otherwise.
 */
public record FileOutcome(
        String path,
        String key,
        Action action,
        String code,
        String reason,
        boolean bomStripped,
        long revision,
        Long recordedRevision,
        Long storeRevision) {

    public FileOutcome(
            String path, String key, Action action, String code, String reason, boolean bomStripped, long revision) {
        this(path, key, action, code, reason, bomStripped, revision, null, null);
    }

    static FileOutcome of(String path, String key, Action action) {
        return new FileOutcome(path, key, action, null, null, false, 0);
    }

    static FileOutcome problem(String path, String key, Action action, String code, String reason) {
        return new FileOutcome(path, key, action, code, reason, false, 0);
    }

    FileOutcome withRevision(long rev) {
        return new FileOutcome(path, key, action, code, reason, bomStripped, rev, recordedRevision, storeRevision);
    }

    FileOutcome withBom(boolean bom) {
        return new FileOutcome(path, key, action, code, reason, bom, revision, recordedRevision, storeRevision);
    }

    FileOutcome withLiveRevisions(Long recorded, Long current) {
        return new FileOutcome(path, key, action, code, reason, bomStripped, revision, recorded, current);
    }

    FileOutcome failed(String failCode, String failReason) {
        return new FileOutcome(
                path, key, Action.FAILED, failCode, failReason, bomStripped, 0, recordedRevision, storeRevision);
    }

    /** Whether the document had changed in the store since import (left alone or overwritten). */
    boolean liveChange() {
        return storeRevision != null;
    }
}
