package io.statestore.daemon;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.statestore.client.Role;
import io.statestore.client.StateStore;
import io.statestore.client.StateStoreOptions;
import io.statestore.client.events.ReplayRange;
import io.statestore.daemon.acl.AclRules;
import io.statestore.testing.RedisServerExtension;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import redis.clients.jedis.Jedis;

/**
 * Roles made before the cluster work had no {@code +cluster|...} permissions (an older daemon, or
 * users made by hand from {@code statestore acl print}). The functions must still tell a
 * standalone server from a cluster node for them (by INFO), so an upgrade of the library does
 * not lock such writers out.
 */
class OlderRoleRulesTest {
    @RegisterExtension
    static RedisServerExtension redis = RedisServerExtension.portable();

    @Test
    void aWriterWithoutClusterPermissionsStillWritesDocumentsAndEvents() {
        try (Jedis j = redis.jedis()) {
            j.functionFlush();
            setRoleWithoutClusterCommands(j, Role.ADMIN, "admin-secret");
            setRoleWithoutClusterCommands(j, Role.WRITER, "writer-secret");
        }
        // the admin installs the libraries at connect; the writer's is then the first keyed call
        // (the functions remember the answer for the server's life)
        connect("admin", "admin-secret").close();
        try (StateStore writer = connect("writer", "writer-secret")) {
            assertEquals(1, writer.put("older:doc", Map.of("v", 1)).revision());
            assertEquals(2, writer.merge("older:doc", Map.of("w", 2)).revision());
            writer.events().publish("older.type", "older-roles", Map.of("n", 1));
            assertEquals(
                    1, writer.events().read("older.type", ReplayRange.all(), 10).size());
        }
    }

    private static void setRoleWithoutClusterCommands(Jedis j, Role role, String password) {
        List<String> rules = new ArrayList<>(List.of("reset"));
        for (String rule : AclRules.rules(role, "ss:", List.of("*"), false)) {
            if (!rule.startsWith("+cluster")) {
                rules.add(rule);
            }
        }
        rules.add(">" + password);
        j.aclSetUser(role.userName(), rules.toArray(String[]::new));
    }

    private static StateStore connect(String user, String password) {
        String url = redis.uri().replace("redis://", "redis://" + user + ":" + password + "@");
        return StateStore.connect(
                StateStoreOptions.builder().uri(url).writer("older-roles").build());
    }
}
