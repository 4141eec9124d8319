package io.statestore.migrate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.statestore.client.InvalidInputException;
import io.statestore.client.StateStoreException;
import io.statestore.client.StateStoreOptions;
import io.statestore.client.UnavailableException;
import io.statestore.testing.RedisServerExtension;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.args.ClientType;
import redis.clients.jedis.params.ClientKillParams;

/**
 * The importer talks to Redis through the client's gateway (issue 18): what goes wrong on the way
 * reaches its caller as a statestore exception in our words, never as a Jedis exception, and a
 * write the store refuses is reported with the function's own words.
 */
class ImportFailuresTest {
    @RegisterExtension
    static RedisServerExtension redis = RedisServerExtension.portable();

    static final String LEDGER = "ss:migrate:ledger";

    @TempDir
    Path tmp;

    @BeforeEach
    void clean() {
        redis.flushAll();
    }

    private ImportTarget target() {
        return new ImportTarget(
                StateStoreOptions.builder().uri(redis.uri()).writer("importer").build());
    }

    @Test
    void aLedgerOfTheWrongTypeIsRefusedInOurWords() {
        try (Jedis j = redis.jedis()) {
            j.set(LEDGER, "not a hash");
        }
        try (ImportTarget target = target()) {
            StateStoreException e = assertThrows(StateStoreException.class, () -> target.ledger(List.of("a.json")));
            assertInstanceOf(InvalidInputException.class, e);
            assertTrue(
                    e.getMessage().startsWith("Redis refused the call (key \"" + LEDGER + "\"): WRONGTYPE"),
                    e.getMessage());
        }
    }

    @Test
    void theMigrateCommandSaysWhatRedisRefused() throws Exception {
        try (Jedis j = redis.jedis()) {
            j.set(LEDGER, "not a hash");
        }
        Path tree = LegacyTree.generate(tmp.resolve("legacy"), "--days", "1", "--entities", "1", "--clean-only");
        Cli cli = Cli.migrate(redis.uri(), "--from", tree.toString());
        assertEquals(1, cli.exit(), cli.toString());
        assertTrue(cli.err().contains("Redis refused the call"), cli.toString());
        assertFalse(cli.err().contains("Jedis"), cli.toString());
    }

    @Test
    void aDroppedConnectionIsUnavailable() {
        try (ImportTarget target = target()) {
            target.watch(List.of("quantum:status"));
            try (Jedis j = redis.jedis()) {
                assertTrue(j.clientKill(ClientKillParams.clientKillParams()
                                .type(ClientType.NORMAL)
                                .skipMe(ClientKillParams.SkipMe.YES))
                        > 0);
            }
            UnavailableException e = assertThrows(UnavailableException.class, () -> target.ledger(List.of("a.json")));
            assertTrue(e.getMessage().startsWith("cannot reach Redis at " + redis.uri()), e.getMessage());
        }
    }

    @Test
    void aWriteTheStoreRefusesIsReportedInTheFunctionsWords() {
        try (Jedis j = redis.jedis()) {
            j.rpush("quantum:status", "a list, not a document");
        }
        try (ImportTarget target = target()) {
            target.watch(List.of("quantum:status"));
            List<ImportTarget.Committed> committed = target.commit(List.of(new ImportTarget.Write(
                    "status.json",
                    "quantum:status",
                    "{\"state\":\"idle\"}",
                    null,
                    null,
                    new LedgerEntry("00", "quantum:status", 1L),
                    null)));
            assertEquals(1, committed.size());
            assertTrue(
                    committed.get(0).error().startsWith("SS_WRONGTYPE"),
                    committed.get(0).error());
            assertNull(target.ledger(List.of("status.json")).get(0), "the refused write's ledger entry is taken back");
        }
    }
}
