package io.statestore.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.statestore.client.spi.FunctionLibrary;
import io.statestore.client.spi.LibraryInstaller;
import io.statestore.client.spi.RedisGateway;
import io.statestore.testing.RedisServerExtension;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.resps.LibraryInfo;

/**
 * A library of our name is used only when its code is ours byte for byte, or a newer version
 * with every function we call; an older one is replaced; anything else is refused with a message
 * that says what is there and how to fix it.
 */
class LibraryIdentityTest {
    private static final FunctionLibrary OURS = FunctionLibrary.bundled();
    /** A one-function library of our name claiming a far newer version. */
    private static final String IMPOSTOR = "#!lua name=statestore\n"
            + "redis.register_function{function_name = 'ss_version', callback = function() return '99' end, flags = {'no-writes'}}\n";

    @RegisterExtension
    static RedisServerExtension redis = RedisServerExtension.portable();

    @BeforeEach
    void clean() {
        try (Jedis j = redis.jedis()) {
            j.flushAll();
            j.functionFlush();
        }
    }

    private static void load(String code) {
        try (Jedis j = redis.jedis()) {
            j.functionLoadReplace(code);
        }
    }

    private static String serverDigest(String library) {
        try (Jedis j = redis.jedis()) {
            List<LibraryInfo> l = j.functionListWithCode(library);
            return FunctionLibrary.sha256(l.get(0).getLibraryCode().getBytes(StandardCharsets.UTF_8));
        }
    }

    private static String withVersion(int version) {
        return OURS.code()
                .replace("local LIB_VERSION = '" + OURS.version() + "'", "local LIB_VERSION = '" + version + "'");
    }

    private static StateStore connect() {
        return StateStore.connect(
                StateStoreOptions.builder().uri(redis.uri()).writer("test").build());
    }

    @Test
    void theSameVersionWithOtherCodeIsRefusedNamingBothDigestsAndTheFix() {
        String other = OURS.code() + "-- one more line\n";
        load(other);
        InvalidInputException e = assertThrows(InvalidInputException.class, LibraryIdentityTest::connect);
        String m = e.getMessage();
        assertTrue(
                m.startsWith("function library statestore on Redis at " + redis.uri() + " is version " + OURS.version()
                        + ", like this client's, but its code is different"),
                m);
        assertTrue(m.contains("server sha256 " + FunctionLibrary.sha256(other)), m);
        assertTrue(m.contains("this client's sha256 " + OURS.digest()), m);
        assertTrue(m.contains("statestore functions install --force"), m);
        assertEquals(FunctionLibrary.sha256(other), serverDigest("statestore"), "left alone");
    }

    @Test
    void aNewerVersionLackingFunctionsWeCallIsRefusedNamingThem() {
        load(IMPOSTOR);
        InvalidInputException e = assertThrows(InvalidInputException.class, LibraryIdentityTest::connect);
        String m = e.getMessage();
        assertTrue(
                m.contains("is version 99, newer than this client's " + OURS.version()
                        + ", but lacks functions this client calls: "),
                m);
        for (String f : List.of("ss_get", "ss_write", "ss_tx", "ss_snapshot", "ss_history")) {
            assertTrue(m.matches("(?s).*[:,] " + f + "[, ].*"), f + " named: " + m);
        }
        assertTrue(!m.contains("ss_version,"), "it has ss_version: " + m);
        assertTrue(m.contains("statestore functions install --force"), m);
    }

    @Test
    void aNewerVersionWithEveryFunctionIsUsedAndLeftInPlace() {
        String newer = withVersion(OURS.version() + 1);
        load(newer);
        try (StateStore store = connect()) {
            assertEquals(1, store.put("n:1", Map.of("a", 1)).revision());
        }
        assertEquals(FunctionLibrary.sha256(newer), serverDigest("statestore"));
    }

    @Test
    void anOlderVersionIsReplacedWithOurs() {
        load(withVersion(OURS.version() - 1));
        try (StateStore store = connect()) {
            store.put("o:1", Map.of("a", 1));
        }
        assertEquals(OURS.digest(), serverDigest("statestore"));
        assertEquals(FunctionLibrary.events().digest(), serverDigest("statestore_events"));
    }

    @Test
    void forceReplacesWhatClientsRefuse() {
        load(IMPOSTOR);
        try (RedisGateway gateway =
                new RedisGateway(StateStoreOptions.builder().uri(redis.uri()).build())) {
            assertEquals(
                    LibraryInstaller.Action.REPLACED,
                    OURS.install(gateway, true).action());
            assertEquals(
                    LibraryInstaller.Action.UNCHANGED,
                    OURS.install(gateway, true).action(),
                    "identical: nothing to force");
        }
        assertEquals(OURS.digest(), serverDigest("statestore"));
        try (StateStore store = connect()) {
            store.put("f:1", Map.of("a", 1));
        }
    }

    @Test
    void aRunningClientWhoseLibraryIsSwappedForAnImpostorSaysWhyItsCallsFail() {
        try (StateStore store = connect()) {
            store.put("s:1", Map.of("a", 1));
            load(IMPOSTOR);
            InvalidInputException e = assertThrows(InvalidInputException.class, () -> store.get("s:1"));
            assertTrue(e.getMessage().contains("lacks functions this client calls"), e.getMessage());
        }
    }
}
