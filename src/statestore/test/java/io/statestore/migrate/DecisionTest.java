package io.statestore.migrate;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class DecisionTest {
    private static final SourceFile FILE = StrictReader.parse("{\"a\": 1}".getBytes(StandardCharsets.UTF_8), "x.json");
    private static final StoredState ABSENT = new StoredState("k", null, 0, null);
    private static final StoredState SAME = new StoredState("k", "{\"a\":1}", 3, null);
    private static final StoredState OTHER = new StoredState("k", "{\"a\":2}", 3, null);

    private static Decision.Plan decide(LedgerEntry ledger, StoredState stored, OnExisting policy) {
        return Decision.decide(FILE, "k", ledger, stored, policy);
    }

    @Test
    void ledgerMatchIsUnchangedWithoutLookingAtTheDocument() {
        Decision.Plan p = decide(new LedgerEntry(FILE.sha256(), "k"), OTHER, OnExisting.FAIL);
        assertEquals(Action.UNCHANGED, p.action());
        assertEquals("none", p.write());
    }

    @Test
    void documentAlreadyHoldingTheContentOnlyGetsItsLedgerEntry() {
        Decision.Plan p = decide(null, SAME, OnExisting.FAIL);
        assertEquals(Action.UNCHANGED, p.action());
        assertEquals("ledger", p.write());
    }

    @Test
    void absentDocumentIsCreatedOnlyIfStillAbsent() {
        Decision.Plan p = decide(null, ABSENT, OnExisting.FAIL);
        assertEquals(Action.CREATE, p.action());
        assertEquals(0L, p.ifRevision());
    }

    @Test
    void changedFileUpdatesItsOwnDocumentAtTheRevisionRead() {
        Decision.Plan p = decide(new LedgerEntry("old", "k"), OTHER, OnExisting.FAIL);
        assertEquals(Action.UPDATE, p.action());
        assertEquals(3L, p.ifRevision());
    }

    @Test
    void foreignDocumentFollowsOnExisting() {
        assertEquals(Action.FAILED, decide(null, OTHER, OnExisting.FAIL).action());
        assertEquals(Action.KEPT, decide(null, OTHER, OnExisting.SKIP).action());
        assertEquals(Action.UPDATE, decide(null, OTHER, OnExisting.OVERWRITE).action());
        assertEquals(
                Action.FAILED,
                decide(null, new StoredState("k", null, 0, "SS_WRONGTYPE x"), OnExisting.OVERWRITE)
                        .action());
    }

    private static final LedgerEntry OLD_AT_2 = new LedgerEntry("old", "k", 2L);
    private static final StoredState LIVE_AT_3 = new StoredState("k", "{\"a\":2}", 3, null, "live-service");

    private static Decision.Plan decide(LedgerEntry ledger, StoredState stored, boolean overwriteLive) {
        return Decision.decide(
                FILE, "k", ledger, stored, new Decision.Policy(OnExisting.FAIL, overwriteLive, "migrate"));
    }

    @Test
    void documentChangedSinceImportIsLeftAloneWithBothRevisions() {
        Decision.Plan p = decide(OLD_AT_2, LIVE_AT_3, false);
        assertEquals(Action.CHANGED_IN_STORE, p.action());
        assertEquals("none", p.write());
        assertEquals(2L, p.recorded());
        assertEquals(3L, p.current());
        // the default --on-existing does not change it either way
        assertEquals(
                Action.CHANGED_IN_STORE,
                Decision.decide(
                                FILE,
                                "k",
                                OLD_AT_2,
                                LIVE_AT_3,
                                new Decision.Policy(OnExisting.OVERWRITE, false, "migrate"))
                        .action());
    }

    @Test
    void overwriteLiveChangesWritesAtTheRevisionRead() {
        Decision.Plan p = decide(OLD_AT_2, LIVE_AT_3, true);
        assertEquals(Action.UPDATE, p.action());
        assertEquals(3L, p.ifRevision());
        assertEquals("live-change-overwritten", p.code());
    }

    @Test
    void documentDeletedSinceImportIsAChangeToo() {
        StoredState tomb = new StoredState("k", null, 3, null, "live-service");
        assertEquals(Action.CHANGED_IN_STORE, decide(OLD_AT_2, tomb, false).action());
        Decision.Plan p = decide(OLD_AT_2, tomb, true);
        assertEquals(Action.CREATE, p.action());
        assertEquals(0L, p.ifRevision());
        StoredState expired = new StoredState("k", null, 3, null, Decision.EXPIRY_WRITER);
        assertEquals(
                Action.CREATE,
                decide(OLD_AT_2, expired, false).action(),
                "expiry from the rule's ttl is no live change");
    }

    @Test
    void unchangedRevisionIsAnOrdinaryUpdateAndUnchangedFileStaysUnchanged() {
        assertEquals(
                Action.UPDATE,
                decide(new LedgerEntry("old", "k", 3L), LIVE_AT_3, false).action());
        assertEquals(
                Action.UNCHANGED,
                decide(new LedgerEntry(FILE.sha256(), "k", 2L), LIVE_AT_3, true).action());
        assertEquals(
                Action.UNCHANGED,
                decide(OLD_AT_2, new StoredState("k", "{\"a\":1}", 3, null, "x"), false)
                        .action(),
                "a live change to exactly the file's content loses nothing");
    }

    @Test
    void ledgerEntryWithoutRevisionJudgesByTheLastWriter() {
        LedgerEntry legacy = new LedgerEntry("old", "k");
        assertEquals(Action.CHANGED_IN_STORE, decide(legacy, LIVE_AT_3, false).action());
        assertEquals(
                Action.UPDATE,
                decide(legacy, new StoredState("k", "{\"a\":2}", 3, null, "migrate"), false)
                        .action());
    }

    @Test
    void ledgerEntryRoundTripsItsRevision() {
        assertEquals(OLD_AT_2, LedgerEntry.parse(OLD_AT_2.toJson()));
        assertEquals(new LedgerEntry("s", "k"), LedgerEntry.parse("{\"sha256\":\"s\",\"key\":\"k\"}"));
    }
}
