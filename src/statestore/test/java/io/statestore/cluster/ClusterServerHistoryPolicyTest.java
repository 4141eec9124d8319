package io.statestore.cluster;

import io.statestore.testing.ContractExclusions;
import io.statestore.testing.RedisClusterExtension;
import io.statestore.testing.TestRedis;
import io.statestore.watch.ServerHistoryPolicyContract;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * {@link ServerHistoryPolicyContract} on the shared test cluster, every test run: the policy is
 * per slot ({@code ss:histpolicy{T}}), set on all 16,384 by {@code setPolicies}; the raw
 * {@code ss_hpolicy_set} test names slot 0's, the policy of record.
 */
class ClusterServerHistoryPolicyTest extends ServerHistoryPolicyContract {
    @RegisterExtension
    static ContractExclusions excluded = ContractExclusions.none();

    @RegisterExtension
    static RedisClusterExtension cluster = RedisClusterExtension.shared();

    @Override
    protected TestRedis redis() {
        return cluster;
    }
}
