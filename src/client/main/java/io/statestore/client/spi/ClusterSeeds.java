package io.statestore.client.spi;

import io.statestore.client.PermissionDeniedException;
import io.statestore.client.StateStoreException;
import io.statestore.client.UnavailableException;
import io.statestore.client.internal.ErrorMapper;
import io.statestore.client.internal.TlsFailures;
import java.util.ArrayList;
import java.util.List;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.JedisClientConfig;
import redis.clients.jedis.exceptions.JedisDataException;
import redis.clients.jedis.exceptions.JedisException;

/**
 * Why a cluster could not be joined. Jedis's cluster client says only "Could not initialize
 * cluster slots cache" when no seed node gave it the slot map, dropping each seed's reason; so a
 * wrong CA looked like a stopped server. One direct connection to each seed, with the same
 * settings, finds the reason: a lasting TLS problem or refused credentials are reported as on one
 * server; anything else names each seed with what went wrong there.
 */
final class ClusterSeeds {
    private ClusterSeeds() {}

    static StateStoreException whyNoSlotMap(
            RedisEndpoint redis, JedisClientConfig config, String endpoint, JedisException failure) {
        StateStoreException tls = TlsFailures.translate(failure);
        if (tls != null) {
            return tls;
        }
        List<String> reasons = new ArrayList<>();
        for (HostAndPort seed : redis.hosts()) {
            try (Jedis j = new Jedis(seed, config)) {
                String info = j.clusterInfo();
                reasons.add(seed + " answers, "
                        + (info.contains("cluster_state:ok") ? "cluster_state:ok" : "but its cluster_state is not ok"));
            } catch (JedisDataException refused) {
                StateStoreException mapped = ErrorMapper.fromReply(refused.getMessage(), null);
                if (mapped instanceof PermissionDeniedException
                        && refused.getMessage().startsWith("NOPERM")) {
                    return new PermissionDeniedException("the Redis user may not ask " + seed
                            + " for the cluster's layout: a client of a cluster needs CLUSTER SLOTS, CLUSTER NODES"
                            + " and CLUSTER INFO (the roles of 'statestore acl print' have them; docs/security.md): "
                            + refused.getMessage());
                }
                if (mapped instanceof PermissionDeniedException) {
                    return mapped; // the credentials: the same words as on one server
                }
                reasons.add(seed + ": " + refused.getMessage());
            } catch (JedisException e) {
                StateStoreException lasting = TlsFailures.translate(e);
                if (lasting != null) {
                    return lasting;
                }
                reasons.add(seed + ": " + ErrorMapper.reason(e));
            }
        }
        return new UnavailableException(
                "cannot reach Redis Cluster at " + endpoint + ": no seed node gave the cluster's slot map ("
                        + String.join("; ", reasons) + "); " + ErrorMapper.TRY_CLUSTER,
                false,
                failure);
    }
}
