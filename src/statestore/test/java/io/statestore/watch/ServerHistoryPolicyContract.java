package io.statestore.watch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.statestore.client.HistoryEntry;
import io.statestore.client.HistoryPolicy;
import io.statestore.client.StateStore;
import io.statestore.client.StrictJson;
import io.statestore.testing.TestRedis;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.UnifiedJedis;
import redis.clients.jedis.exceptions.JedisDataException;

/**
 * The history policy kept in Redis ({@code ss:histpolicy}) is followed by every writer: clients
 * without history options, raw {@code FCALL ss_put}, transactions, in-place JSON steps.
 */
public abstract class ServerHistoryPolicyContract {
    /**
     * The age of the "old:*" history policy. The test checks that a young entry is kept as well
     * as that an old one goes, so the age is slack for the young checks: at 300 ms a stall of
     * that much between a write and its check (GC, load 10+) failed them. Two seconds cost
     * the age-out tests that much wait each.
     */
    private static final Duration OLD_AGE = Duration.ofSeconds(2);

    protected abstract TestRedis redis();

    private StateStore admin;

    @BeforeEach
    void clean() {
        redis().flushAll();
        admin = redis().newStore();
    }

    private long xlen(String key) {
        return redis().commands().xlen("ss:h:{" + key + "}");
    }

    private Object rawPut(UnifiedJedis j, String key, String doc, String... extra) {
        List<String> args = new ArrayList<>(List.of("doc", doc, "writer", "redis-cli"));
        args.addAll(List.of(extra));
        return j.fcall("ss_put", redis().layout().documentCallKeys(key), args);
    }

    @Test
    void aPolicySetOnceIsFollowedByAnotherClientWithoutHistoryOptionsAndByRawFcall() {
        admin.history().setPolicies(List.of(HistoryPolicy.of("h:*", 3)));
        assertEquals(List.of(HistoryPolicy.of("h:*", 3)), admin.history().policies());

        StateStore plain = redis().newStore();
        assertEquals(
                List.of(HistoryPolicy.of("h:*", 3)),
                plain.history().policies(),
                "a second client reads the same policy");
        for (int i = 0; i < 5; i++) {
            plain.put("h:a", Map.of("i", i));
        }
        plain.increment("h:a", "$.i", 10);
        assertEquals(3, xlen("h:a"));
        List<HistoryEntry> h = plain.history().list("h:a");
        assertEquals(List.of(4L, 5L, 6L), h.stream().map(HistoryEntry::revision).toList());
        assertEquals(
                "{\"i\":14}", StrictJson.write(h.get(2).document().orElseThrow()), "content after an in-place step");

        UnifiedJedis j = redis().commands();
        for (int i = 0; i < 4; i++) {
            rawPut(j, "h:raw", "{\"r\":" + i + "}");
        }
        rawPut(j, "other:raw", "{}");
        assertEquals(3, xlen("h:raw"), "a raw FCALL without histmax follows the policy");
        assertEquals("redis-cli", plain.history().list("h:raw").get(2).writer());
        assertEquals(0, xlen("other:raw"), "keys matching no rule keep no history");
        assertTrue(plain.history().list("other:raw").isEmpty());
    }

    @Test
    void aRuleChangeAppliedWhileAnotherAdministratorChangedTheRulesIsAppliedAgainToTheirs() {
        admin.history().setPolicies(List.of(HistoryPolicy.of("base:*", 1)));
        StateStore other = redis().newStore();
        List<List<HistoryPolicy>> seen = new ArrayList<>();
        List<HistoryPolicy> written = admin.history().updatePolicies(current -> {
            seen.add(current);
            if (seen.size() == 1) {
                // between this administrator's read and write, another one adds a rule
                other.history().updatePolicies(r -> append(r, HistoryPolicy.of("theirs:*", 2)));
            }
            return append(current, HistoryPolicy.of("mine:*", 3));
        });
        assertEquals(2, seen.size(), "the change was applied again after the conflicting write");
        List<HistoryPolicy> expected =
                List.of(HistoryPolicy.of("base:*", 1), HistoryPolicy.of("theirs:*", 2), HistoryPolicy.of("mine:*", 3));
        assertEquals(expected, written);
        assertEquals(expected, other.history().policies(), "neither rule was lost");
    }

    @Test
    void hpolicySetWithAStaleVersionIsRefusedAndChangesNothing() {
        UnifiedJedis j = redis().commands();
        // the policy of record: the one key, or on a cluster slot 0's copy (docs/cluster.md)
        String key = redis().cluster()
                ? redis().layout().historyPolicyOfSlot(0)
                : redis().layout().historyPolicy();
        String v1 = text(j.fcall("ss_hpolicy_set", List.of(key), List.of("ifversion", "", "a:*", "1", "0")));
        j.fcall("ss_hpolicy_set", List.of(key), List.of("ifversion", v1, "b:*", "2", "0"));
        JedisDataException stale = assertThrows(
                JedisDataException.class,
                () -> j.fcall("ss_hpolicy_set", List.of(key), List.of("ifversion", v1, "c:*", "3", "0")));
        assertTrue(stale.getMessage().startsWith("SS_CONFLICT"), stale.getMessage());
        assertEquals(List.of(HistoryPolicy.of("b:*", 2)), admin.history().policies());
        assertTrue(admin.history().updatePolicies(r -> List.of()).isEmpty());
        assertEquals(List.of(), admin.history().policies());
    }

    private static String text(Object reply) {
        return reply instanceof byte[] b ? new String(b, StandardCharsets.UTF_8) : String.valueOf(reply);
    }

    private static List<HistoryPolicy> append(List<HistoryPolicy> rules, HistoryPolicy rule) {
        List<HistoryPolicy> out = new ArrayList<>(rules);
        out.add(rule);
        return out;
    }

    @Test
    void theFirstMatchingRuleWins() {
        admin.history()
                .setPolicies(List.of(
                        HistoryPolicy.of("h:special:*", 1),
                        HistoryPolicy.of("h:*", 4),
                        HistoryPolicy.of("h:special:never", 9),
                        HistoryPolicy.of("a?c", 2),
                        HistoryPolicy.of("*", 0)));
        StateStore plain = redis().newStore();
        for (int i = 0; i < 6; i++) {
            plain.put("h:special:x", Map.of("i", i));
            plain.put("h:special:never", Map.of("i", i));
            plain.put("h:y", Map.of("i", i));
            plain.put("z", Map.of("i", i));
            plain.put("abc", Map.of("i", i));
            plain.put("a\u00e9c", Map.of("i", i));
            plain.put("abbc", Map.of("i", i));
            plain.put("a.c+%", Map.of("i", i));
        }
        assertEquals(1, xlen("h:special:x"));
        assertEquals(1, xlen("h:special:never"));
        assertEquals(4, xlen("h:y"));
        assertEquals(0, xlen("z"));
        assertEquals(2, xlen("abc"));
        assertEquals(2, xlen("a\u00e9c"), "? is one character, also a multi-byte one");
        assertEquals(0, xlen("abbc"));
        assertEquals(0, xlen("a.c+%"), "pattern characters of Lua are plain characters in a glob");
        assertEquals(HistoryPolicy.of("h:*", 4), plain.history().policyFor("h:y"));
    }

    @Test
    void transactionsFollowThePolicyPerDocument() {
        admin.history().setPolicies(List.of(HistoryPolicy.of("{g}:h*", 2)));
        StateStore plain = redis().newStore();
        for (int i = 0; i < 3; i++) {
            int n = i;
            plain.transaction(
                    List.of("{g}:h1", "{g}:x1"),
                    (cur, ch) -> ch.put("{g}:h1", Map.of("i", n)).put("{g}:x1", Map.of("i", n)));
        }
        UnifiedJedis j = redis().commands();
        assertEquals(2, j.xlen("ss:ht:{g}:h1"));
        assertFalse(j.exists("ss:ht:{g}:x1"));
    }

    @Test
    void historyIsTrimmedByAgeOnWrite() throws InterruptedException {
        admin.history().setPolicies(List.of(HistoryPolicy.of("old:*", 10, OLD_AGE)));
        StateStore plain = redis().newStore();
        for (int i = 0; i < 3; i++) {
            plain.put("old:1", Map.of("i", i));
        }
        assertEquals(3, xlen("old:1"));
        long t0 = System.currentTimeMillis();
        while (System.currentTimeMillis() < t0 + OLD_AGE.toMillis() + 50) {
            Thread.sleep(10); // the entries must grow older than the policy's age: time itself is the subject here
        }
        assertTrue(
                plain.history().list("old:1").isEmpty(),
                "the read leaves out entries older than the server policy's age");
        assertEquals(3, xlen("old:1"), "nothing written since: nothing trimmed yet");
        UnifiedJedis j = redis().commands();
        rawPut(j, "old:1", "{\"i\":3}");
        assertEquals(1, xlen("old:1"), "the write trimmed the stream by age, not only the read");
        assertEquals(4, plain.history().list("old:1").get(0).revision());
    }

    @Test
    void anExplicitHistoryLengthOverridesThePolicy() {
        admin.history().setPolicies(List.of(HistoryPolicy.of("h:*", 5)));
        UnifiedJedis j = redis().commands();
        for (int i = 0; i < 4; i++) {
            rawPut(j, "h:x", "{}", "histmax", "2");
        }
        assertEquals(2, xlen("h:x"));
        rawPut(j, "h:x", "{}", "histmax", "0");
        assertEquals(2, xlen("h:x"), "histmax 0 writes no entry (and keeps the old ones)");
        rawPut(j, "h:y", "{}", "histmax", "3", "histage", "100");
        assertEquals(1, xlen("h:y"));
        StateStore own = redis().newStore(b -> b.historyPolicy(HistoryPolicy.of("h:*", 1)));
        for (int i = 0; i < 4; i++) {
            own.put("h:z", Map.of("i", i));
        }
        assertEquals(1, xlen("h:z"), "a client-side policy overrides the server's for that client's writes");
        assertEquals(HistoryPolicy.of("h:*", 1), own.history().policyFor("h:z"));
        StateStore byLength = redis().newStore(b -> b.historyLength(2));
        for (int i = 0; i < 4; i++) {
            byLength.put("q:z", Map.of("i", i));
        }
        assertEquals(2, xlen("q:z"), "historyLength is a client-side policy for every key");
    }

    @Test
    void aPolicyChangeTakesEffectOnTheNextWrite() {
        admin.history().setPolicies(List.of(HistoryPolicy.of("h:*", 5)));
        StateStore plain = redis().newStore();
        for (int i = 0; i < 6; i++) {
            plain.put("h:c", Map.of("i", i));
        }
        assertEquals(5, xlen("h:c"));
        admin.history().setPolicies(List.of(HistoryPolicy.of("h:*", 2)));
        plain.put("h:c", Map.of("i", 6));
        assertEquals(2, xlen("h:c"), "the first write after the change trims to the new length");
        admin.history().setPolicies(List.of());
        assertTrue(plain.history().policies().isEmpty());
        plain.put("h:c", Map.of("i", 7));
        assertEquals(2, xlen("h:c"), "without a matching rule the write adds no entry");
        admin.history().setPolicies(List.of(HistoryPolicy.of("h:*", 3)));
        plain.put("h:c", Map.of("i", 8));
        assertEquals(3, xlen("h:c"));
        admin.history().setPolicies(List.of(HistoryPolicy.of("h:*", 0)));
        plain.put("h:c", Map.of("i", 9));
        assertEquals(0, xlen("h:c"), "a rule keeping no versions drops the kept ones on the next write");
    }
}
