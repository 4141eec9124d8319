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
        assertEquals(Action.FAILED, decide(null, new StoredState("k", null, 0, "SS_WRONGTYPE x"), OnExisting.OVERWRITE).action());
    }
}
