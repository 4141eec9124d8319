package io.statestore.migrate;

/** The result for one file: action, target key, and for problems a code and reason. */
public record FileOutcome(String path, String key, Action action, String code, String reason, boolean bomStripped,
                          long revision) {

    static FileOutcome of(String path, String key, Action action) {
        return new FileOutcome(path, key, action, null, null, false, 0);
    }

    static FileOutcome problem(String path, String key, Action action, String code, String reason) {
        return new FileOutcome(path, key, action, code, reason, false, 0);
    }

    FileOutcome withRevision(long rev) {
        return new FileOutcome(path, key, action, code, reason, bomStripped, rev);
    }

    FileOutcome withBom(boolean bom) {
        return new FileOutcome(path, key, action, code, reason, bom, revision);
    }

    FileOutcome failed(String failCode, String failReason) {
        return new FileOutcome(path, key, Action.FAILED, failCode, failReason, bomStripped, 0);
    }
}
