package io.statestore.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import io.statestore.client.spi.KeyLayout;
import io.statestore.daemon.redis.RedisAdmin;
import io.statestore.daemon.redis.StoreSetup;
import io.statestore.testing.RedisServerExtension;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import redis.clients.jedis.Jedis;

/**
 * A store written by function library v10 (tagged keys' metadata at "ss:m:<key>", where "x" and
 * "{x}" collided) keeps every document, revision, history entry and feed entry through the
 * upgrade to v11's layout: read at once through the old place, moved by a write or by the
 * daemon's StoreSetup.upgradeLayout.
 */
class LayoutUpgradeTest {
    @RegisterExtension
    static RedisServerExtension redis = RedisServerExtension.portable();

    private static final String FEED = "ss:feed";
    private static final String INDEX = "ss:index";

    @Test
    void aStoreWrittenByLibraryV10KeepsEveryRevisionHistoryAndFeedEntry() throws IOException {
        try (Jedis j = redis.jedis()) {
            j.flushAll();
            j.functionFlush();
            j.functionLoadReplace(legacyLibrary());
            for (int i = 1; i <= 3; i++) {
                v10Put(j, "{acct}:alice", "{\"n\":" + i + "}", "ss:m:{acct}:alice", "ss:h:{acct}:alice");
                v10Put(j, "plain", "{\"p\":" + i + "}", "ss:m:{plain}", "ss:h:{plain}");
            }
            v10Put(j, "{solo}", "{\"s\":1}", "ss:m:{solo}", "ss:h:{solo}");
            v10Put(j, "both", "{\"b\":1}", "ss:m:{both}", "ss:h:{both}");
            // v10 shared the metadata, took "{both}" for an expired "both" (rev 2) and wrote rev 3
            v10Put(j, "{both}", "{\"b\":2}", "ss:m:{both}", "ss:h:{both}");
            assertEquals(10, j.xlen(FEED));
        }
        StateStore store = redis.newStore(); // installs v11
        assertEquals(
                3, store.get("{acct}:alice").orElseThrow().revision(), "read through the old place before any move");
        assertEquals(3, store.history().list("{acct}:alice").size());

        RedisAdmin admin =
                new RedisAdmin(StateStoreOptions.builder().uri(redis.uri()).build());
        int moved = new StoreSetup(admin, new KeyLayout("ss:")).upgradeLayout();
        assertEquals(3, moved, "{acct}:alice, {solo} and {both}");
        try (Jedis j = redis.jedis()) {
            assertFalse(j.exists("ss:m:{acct}:alice"));
            assertEquals("3", j.hget("ss:mt:{acct}:alice", "rev"));
            assertEquals(3, j.xlen("ss:ht:{acct}:alice"));
            assertEquals("3", j.hget("ss:m:{plain}", "rev"), "untagged keys keep their place");
            assertEquals("1", j.hget("ss:mt:{solo}", "rev"));
            assertFalse(j.exists("ss:m:{solo}"), "no document \"solo\": the old \"m:{solo}\" was {solo}'s alone");
            assertEquals("3", j.hget("ss:m:{both}", "rev"), "\"both\" and \"{both}\" shared it: both keep a copy");
            assertEquals("3", j.hget("ss:mt:{both}", "rev"));
            assertEquals(10, j.xlen(FEED), "the upgrade writes no feed entry");
        }
        assertEquals(4, store.put("{acct}:alice", Map.of("n", 4)).revision());
        assertEquals(1, store.put("solo", Map.of("x", 1)).revision(), "\"solo\" starts afresh");
        assertEquals(4, store.put("both", Map.of("b", 4)).revision());
        assertEquals(4, store.put("{both}", Map.of("b", 4)).revision());
        assertEquals(2, store.put("{solo}", Map.of("s", 2)).revision());
        assertEquals(3, store.history().list("{acct}:alice").size(), "kept; this client names no history rule");
        assertEquals(4, store.put("plain", Map.of("p", 4)).revision());
        assertEquals(0, new StoreSetup(admin, new KeyLayout("ss:")).upgradeLayout(), "idempotent");
    }

    @Test
    void aWriteMovesATaggedDocumentsMetadataByItself() throws IOException {
        try (Jedis j = redis.jedis()) {
            j.flushAll();
            j.functionFlush();
            j.functionLoadReplace(legacyLibrary());
            v10Put(j, "{g}:doc", "{\"v\":1}", "ss:m:{g}:doc", "ss:h:{g}:doc");
            v10Put(j, "{g}:doc", "{\"v\":2}", "ss:m:{g}:doc", "ss:h:{g}:doc");
        }
        StateStore store = redis.newStore();
        assertEquals(3, store.merge("{g}:doc", Map.of("w", 1)).revision());
        try (Jedis j = redis.jedis()) {
            assertFalse(j.exists("ss:m:{g}:doc"));
            assertEquals("3", j.hget("ss:mt:{g}:doc", "rev"));
            assertEquals(3, j.xlen(FEED));
        }
    }

    private static void v10Put(Jedis j, String key, String doc, String meta, String hist) {
        j.fcall("ss_put", List.of(key, meta, hist, FEED, INDEX), List.of("doc", doc, "writer", "v10", "histmax", "10"));
    }

    private static String legacyLibrary() throws IOException {
        try (InputStream in = LayoutUpgradeTest.class.getResourceAsStream("/legacy/statestore-v10.lua")) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }
}
