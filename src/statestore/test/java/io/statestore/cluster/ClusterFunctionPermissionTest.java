package io.statestore.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.statestore.client.PermissionDeniedException;
import io.statestore.client.Role;
import io.statestore.client.StateStore;
import io.statestore.client.StateStoreOptions;
import io.statestore.client.events.Event;
import io.statestore.client.events.ReplayRange;
import io.statestore.client.spi.SlotTags;
import io.statestore.daemon.acl.AclRules;
import io.statestore.testing.RedisClusterExtension;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.exceptions.JedisDataException;

/**
 * Who may put the function library on a cluster's primaries (Redis does not copy it between
 * them): a primary whose ACL refuses {@code FUNCTION LOAD} to the connecting user fails the connect
 * with an error naming that node; with the security work's roles, the admin installs on every
 * primary and a writer never does, then works on what the admin installed.
 */
class ClusterFunctionPermissionTest {
    @RegisterExtension
    static RedisClusterExtension cluster = RedisClusterExtension.threePrimaries();

    @Test
    void aPrimaryWhereTheUserMayNotLoadFunctionsIsNamedAndKeepsNoLibrary() {
        flushFunctionsOnEveryPrimary();
        List<Integer> primaries = cluster.primaryPorts();
        int refusing = primaries.get(primaries.size() - 1);
        onEveryNode(j -> j.aclSetUser("app", "reset", "on", ">app-secret", "~*", "&*", "+@all"));
        try (Jedis j = cluster.node(refusing)) { // on that node only: no FUNCTION but LIST
            j.aclSetUser("app", "-function", "+function|list");
        }

        PermissionDeniedException e = assertThrows(
                PermissionDeniedException.class,
                () -> connect("app", "app-secret").close());

        String m = e.getMessage();
        assertTrue(m.startsWith("Redis at redis://127.0.0.1:" + refusing + " lacks function library statestore v"), m);
        assertTrue(m.contains("and this credential may not install it"), m);
        assertTrue(!m.contains("app-secret"), "no password in the message: " + m);
        assertEquals(List.of(), libraries(refusing), "nothing installed on the refusing primary");
    }

    @Test
    void theAdminRoleInstallsOnEveryPrimaryAndTheWriterRoleNever() {
        flushFunctionsOnEveryPrimary();
        onEveryNode(j -> {
            setRole(j, Role.ADMIN, "admin-secret");
            setRole(j, Role.WRITER, "writer-secret");
        });

        PermissionDeniedException refused = assertThrows(
                PermissionDeniedException.class,
                () -> connect("writer", "writer-secret").close());
        assertTrue(refused.getMessage().contains("this credential may not install it"), refused.getMessage());
        for (int p : cluster.primaryPorts()) {
            assertEquals(List.of(), libraries(p), "the writer installed nothing on " + p);
        }

        try (StateStore admin = connect("admin", "admin-secret")) {
            assertTrue(admin.get("nothing:here").isEmpty());
        }
        for (int p : cluster.primaryPorts()) {
            assertTrue(libraries(p).contains("statestore"), "the admin installed on " + p + ": " + libraries(p));
        }

        try (StateStore writer = connect("writer", "writer-secret")) {
            Map<Integer, String> keys = oneKeyPerPrimary("acl:doc:");
            assertEquals(3, keys.size(), keys.toString());
            for (String key : keys.values()) {
                assertEquals(1, writer.put(key, Map.of("by", "writer")).revision());
                assertEquals(
                        "writer",
                        writer.get(key).orElseThrow().value().get("by").asText());
            }
        }
    }

    @Test
    void theWriterPublishesAndReadsEventsOfTypesOnEveryPrimaryButMayNotSetTheirLimits() {
        onEveryNode(j -> {
            setRole(j, Role.ADMIN, "admin-secret");
            setRole(j, Role.WRITER, "writer-secret");
        });
        try (StateStore admin = connect("admin", "admin-secret")) {
            assertTrue(admin.get("nothing:here").isEmpty()); // the library on every primary
        }
        Map<Integer, String> types = oneKeyPerPrimary("acl.type.", t -> "ss:{ev:" + t + "}:t:" + t);
        assertEquals(3, types.size(), types.toString());
        try (StateStore writer = connect("writer", "writer-secret")) {
            for (String type : types.values()) {
                String id = writer.events().publish(type, "acl-test", Map.of("t", type));
                assertEquals(
                        List.of(id),
                        writer.events().read(type, ReplayRange.all(), 10).stream()
                                .map(Event::id)
                                .toList(),
                        "the writer reads " + type + " back");
            }
        }
        for (Map.Entry<Integer, String> e : types.entrySet()) {
            String limits = "ss:{ev:" + e.getValue() + "}:config";
            try (Jedis j = cluster.node(e.getKey())) {
                j.auth(Role.WRITER.userName(), "writer-secret");
                JedisDataException refused =
                        assertThrows(JedisDataException.class, () -> j.hset(limits, "maxlen", "1"));
                assertTrue(refused.getMessage().startsWith("NOPERM"), refused.getMessage());
                assertEquals(null, j.hget(limits, "maxlen"), "the writer reads the limits, which nobody set");
            }
        }
    }

    @Test
    void aWriterWithoutClusterKeyslotStillWritesOnEveryPrimary() {
        // roles made before the cluster work had no +cluster|keyslot: the functions ask INFO first
        flushFunctionsOnEveryPrimary();
        onEveryNode(j -> {
            setRole(j, Role.ADMIN, "admin-secret");
            setRole(j, Role.WRITER, "writer-secret");
            j.aclSetUser(Role.WRITER.userName(), "-cluster|keyslot");
        });
        try (StateStore admin = connect("admin", "admin-secret");
                StateStore writer = connect("writer", "writer-secret")) {
            // the first keyed call on each primary since the library was loaded is the writer's
            for (String key : oneKeyPerPrimary("keyslot:doc:").values()) {
                assertEquals(1, writer.put(key, Map.of("v", 1)).revision());
                assertEquals(2, admin.put(key, Map.of("v", 2)).revision(), "the node is still a cluster node");
            }
        }
    }

    private static StateStore connect(String user, String password) {
        String url = cluster.uri().replace("redis-cluster://", "redis-cluster://" + user + ":" + password + "@");
        return StateStore.connect(
                StateStoreOptions.builder().uri(url).writer("acl-test").build());
    }

    /** The role's rules as the daemon sets them on its own server (AclRules), on this node. */
    private static void setRole(Jedis j, Role role, String password) {
        List<String> rules = new ArrayList<>(List.of("reset"));
        rules.addAll(AclRules.rules(role, "ss:", List.of("*"), false));
        rules.add(">" + password);
        j.aclSetUser(role.userName(), rules.toArray(String[]::new));
    }

    /** ACL users are per node: set on every one, replicas too (a client may ask any node for the slot map). */
    private static void onEveryNode(Consumer<Jedis> change) {
        for (RedisClusterExtension.ClusterNode n : cluster.clusterNodes()) {
            if (!n.failed()) {
                try (Jedis j = cluster.node(n.port())) {
                    change.accept(j);
                }
            }
        }
    }

    private static void flushFunctionsOnEveryPrimary() {
        for (int p : cluster.primaryPorts()) {
            try (Jedis j = cluster.node(p)) {
                j.functionFlush();
            }
        }
    }

    private static List<String> libraries(int port) {
        try (Jedis j = cluster.node(port)) {
            return j.functionList().stream()
                    .map(redis.clients.jedis.resps.LibraryInfo::getLibraryName)
                    .toList();
        }
    }

    private static Map<Integer, String> oneKeyPerPrimary(String prefix) {
        return oneKeyPerPrimary(prefix, k -> k);
    }

    /** Names {@code prefix + i}, one per primary, placed by the slot of {@code keyOf(name)}. */
    private static Map<Integer, String> oneKeyPerPrimary(String prefix, UnaryOperator<String> keyOf) {
        Map<Integer, String> out = new LinkedHashMap<>();
        for (int i = 0; out.size() < cluster.primaryPorts().size() && i < 1000; i++) {
            String name = prefix + i;
            out.putIfAbsent(cluster.primaryOfSlot(SlotTags.slot(keyOf.apply(name))), name);
        }
        return out;
    }
}
