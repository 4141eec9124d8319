package io.statestore.client.spi;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.statestore.client.InvalidInputException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import redis.clients.jedis.HostAndPort;

class RedisEndpointTest {
    private static RedisEndpoint parse(String url) {
        return RedisEndpoint.parse(URI.create(url), Optional.empty(), Optional.empty());
    }

    @Test
    void aStandaloneUrlGivesOneServerWithItsCredentialsAndDatabase() {
        RedisEndpoint e = parse("rediss://app:s%40cret@cache.local:6380/2");
        assertFalse(e.sentinel());
        assertEquals(List.of(new HostAndPort("cache.local", 6380)), e.hosts());
        assertEquals(Optional.of("app"), e.user());
        assertEquals(Optional.of("s@cret"), e.password());
        assertEquals(2, e.database());
        assertTrue(e.ssl());
        assertEquals("rediss://cache.local:6380/2", e.describe(), "no password in messages");
        assertEquals(
                List.of(new HostAndPort("127.0.0.1", 6379)),
                parse("redis://127.0.0.1").hosts());
        assertEquals(
                List.of(new HostAndPort("::1", 6400)),
                parse("redis://[::1]:6400").hosts());
    }

    @Test
    void aSentinelUrlListsTheSentinelsAndNamesThePrimary() {
        RedisEndpoint e = parse("redis-sentinel://:pw@s1:26380,s2,10.0.0.3:26381/1?master=state");
        assertTrue(e.sentinel());
        assertEquals(Optional.of("state"), e.master());
        assertEquals(
                List.of(new HostAndPort("s1", 26380), new HostAndPort("s2", 26379), new HostAndPort("10.0.0.3", 26381)),
                e.hosts());
        assertEquals(Optional.empty(), e.user());
        assertEquals(Optional.of("pw"), e.password());
        assertEquals(1, e.database());
        assertFalse(e.ssl());
        assertTrue(parse("rediss-sentinel://s1?master=m").ssl());
    }

    @Test
    void aPasswordFileOverridesTheUrlsPassword() throws Exception {
        Path f = Files.createTempFile("pw", ".txt");
        Files.writeString(f, "from-file\n");
        assertEquals(
                Optional.of("from-file"),
                RedisEndpoint.parse(URI.create("redis://:url@h"), Optional.of(f), Optional.empty())
                        .password());
        InvalidInputException e = assertThrows(
                InvalidInputException.class,
                () -> RedisEndpoint.parse(
                        URI.create("redis://h"), Optional.of(f.resolveSibling("missing-pw-file")), Optional.empty()));
        assertTrue(e.getMessage().startsWith("cannot read Redis password file"), e.getMessage());
    }

    @Test
    void aSentinelPasswordFileIsForSentinelUrlsOnly() throws Exception {
        Path f = Files.createTempFile("sentinel-pw", ".txt");
        Files.writeString(f, "s3ntinel\n");
        // read without complaint for a Sentinel URL (the pool uses it for the Sentinels only)
        RedisEndpoint e = RedisEndpoint.parse(
                URI.create("redis-sentinel://:primary@s1?master=m"), Optional.empty(), Optional.of(f));
        assertEquals(Optional.of("primary"), e.password(), "the primary's password stays the URL's");
        InvalidInputException wrong = assertThrows(
                InvalidInputException.class,
                () -> RedisEndpoint.parse(URI.create("redis://h"), Optional.empty(), Optional.of(f)));
        assertEquals(
                "invalid Redis URL \"redis://h\": a Sentinel password file goes with a redis-sentinel:// URL",
                wrong.getMessage());
        InvalidInputException early = assertThrows(
                InvalidInputException.class,
                () -> io.statestore.client.StateStoreOptions.builder()
                        .uri("redis://u:secret@h")
                        .sentinelPasswordFile(f)
                        .build());
        assertEquals(
                "a Sentinel password file goes with a redis-sentinel:// URL, not \"redis://h\"", early.getMessage());
        InvalidInputException missing = assertThrows(
                InvalidInputException.class,
                () -> RedisEndpoint.parse(
                        URI.create("redis-sentinel://s1?master=m"),
                        Optional.empty(),
                        Optional.of(f.resolveSibling("no-such-file"))));
        assertTrue(missing.getMessage().startsWith("cannot read Sentinel password file"), missing.getMessage());
    }

    @Test
    void aClusterUrlListsSeedNodesWithTheCredentialsOfEveryNode() {
        RedisEndpoint e = parse("rediss-cluster://app:pw@n1:7000,n2,10.0.0.3:7002");
        assertTrue(e.cluster());
        assertFalse(e.sentinel());
        assertEquals(
                List.of(new HostAndPort("n1", 7000), new HostAndPort("n2", 6379), new HostAndPort("10.0.0.3", 7002)),
                e.hosts());
        assertEquals(Optional.of("app"), e.user());
        assertEquals(Optional.of("pw"), e.password());
        assertEquals(0, e.database());
        assertTrue(e.ssl());
        assertEquals("rediss-cluster://n1:7000,n2,10.0.0.3:7002", e.describe(), "no password in messages");
        assertFalse(parse("redis-cluster://n1:7000").ssl());
        assertFalse(parse("redis://h").cluster());
        RedisEndpoint node = e.node(new HostAndPort("10.0.0.3", 7002));
        assertFalse(node.cluster());
        assertEquals("rediss://10.0.0.3:7002", node.describe());
        assertEquals(Optional.of("pw"), node.password());
    }

    @ParameterizedTest
    @CsvSource(
            delimiter = '|',
            value = {
                "http://h|scheme must be redis://, rediss://, redis-sentinel://, rediss-sentinel://, redis-cluster:// or rediss-cluster://",
                "redis-sentinel://s1:26379|a Sentinel URL names the primary with ?master=NAME",
                "redis-sentinel://s1?master=|a Sentinel URL names the primary with ?master=NAME",
                "redis-sentinel://s1?primary=m|unknown parameter \"primary\" (only master is known)",
                "redis://h1,h2|several hosts are for Sentinels or a Cluster: use redis-sentinel:// or redis-cluster://",
                "redis-cluster://n1,n2/1|Redis Cluster has only database 0: leave the /1 out",
                "redis-cluster://n1?master=m|a redis-cluster:// URL takes no query",
                "redis-cluster://n1,,n2|an empty host",
                "redis://h:port|port must be a number in \"h:port\"",
                "redis://h:70000|port out of range in \"h:70000\"",
                "redis-sentinel://s1,,s2?master=m|an empty host",
                "redis://h/zero|database must be a number",
                "redis://h?master=m|a redis:// URL takes no query"
            })
    void aBadUrlIsRefusedNamingWhatIsWrong(String url, String why) {
        InvalidInputException e = assertThrows(InvalidInputException.class, () -> parse(url));
        assertEquals("invalid Redis URL \"" + url + "\": " + why, e.getMessage());
    }

    @Test
    void theErrorNeverShowsThePassword() {
        InvalidInputException e = assertThrows(InvalidInputException.class, () -> parse("redis://u:hunter2@h/x"));
        assertFalse(e.getMessage().contains("hunter2"), e.getMessage());
    }

    @Test
    void aUrlPasswordNeverReachesALogLine() {
        assertEquals("redis://:***@127.0.0.1:6379/0", RedisEndpoint.redacted("redis://:s3cr%40t@127.0.0.1:6379/0"));
        assertEquals("rediss://app:***@h:6380", RedisEndpoint.redacted("rediss://app:pw@h:6380"));
        assertEquals(
                "redis://app@h:6379", RedisEndpoint.redacted("redis://app@h:6379"), "no password, nothing to hide");
        assertEquals(
                "redis-sentinel://s1:26379,s2:26379/0?master=m",
                RedisEndpoint.redacted("redis-sentinel://s1:26379,s2:26379/0?master=m"));
    }
}
