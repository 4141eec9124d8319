package io.statestore.testing;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

/** The rules the harness enforces on the tests that use it; no server is needed to break them. */
class TestHarnessRulesTest {
    abstract static class Contract {
        @Test
        void inheritedTest() {}
    }

    static class Subclass extends Contract {
        @Test
        void ownTest() {}
    }

    @Test
    void anExclusionMayNameATestOfTheClassOrOfItsContract() {
        assertDoesNotThrow(() -> ContractExclusions.none()
                .exclude("inheritedTest", "its reason")
                .exclude("ownTest", "its reason")
                .checkNames(Subclass.class));
    }

    @Test
    void anExclusionNamingNoTestFailsTheClassInsteadOfExcludingNothingSilently() {
        IllegalStateException e = assertThrows(
                IllegalStateException.class,
                () -> ContractExclusions.none()
                        .exclude("renamedTest", "its reason")
                        .checkNames(Subclass.class));
        assertTrue(e.getMessage().contains("\"renamedTest\""), e.getMessage());
        assertTrue(e.getMessage().contains("Subclass"), e.getMessage());
    }

    @Test
    void theSharedClusterRefusesEveryTopologyChangeBeforeTouchingANode() {
        RedisClusterExtension shared = RedisClusterExtension.shared();
        for (Executable change : List.<Executable>of(
                () -> shared.kill9(1),
                shared::addPrimary,
                () -> shared.reshard(1, 2, 3),
                () -> shared.moveSlots(1, 2, 3))) {
            IllegalStateException e = assertThrows(IllegalStateException.class, change);
            assertTrue(e.getMessage().contains("threePrimaries()"), e.getMessage());
        }
    }
}
