package io.statestore.daemon.series;

import io.statestore.testing.RedisServerExtension;
import org.junit.jupiter.api.extension.ConditionEvaluationResult;
import org.junit.jupiter.api.extension.ExecutionCondition;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The same contract on a server with RedisTimeSeries, named by {@code STATESTORE_TEST_TIMESERIES_MODULE}. */
@ExtendWith(ModuleSeriesStoreTest.NeedsModule.class)
class ModuleSeriesStoreTest extends SeriesStoreContract {
    static final String MODULE_ENV = "STATESTORE_TEST_TIMESERIES_MODULE";
    private static final String MODULE = System.getenv(MODULE_ENV);

    @RegisterExtension
    static RedisServerExtension redis = MODULE == null || MODULE.isBlank()
            ? RedisServerExtension.portable()
            : RedisServerExtension.portable().withArgs("--loadmodule", MODULE);

    @Override
    RedisServerExtension redis() {
        return redis;
    }

    @Override
    String expectedLayout() {
        return "timeseries";
    }

    static final class NeedsModule implements ExecutionCondition {
        @Override
        public ConditionEvaluationResult evaluateExecutionCondition(ExtensionContext context) {
            if (MODULE != null && !MODULE.isBlank()) {
                return ConditionEvaluationResult.enabled(MODULE_ENV + " names a module");
            }
            String reason = "RedisTimeSeries layout tests skipped: set " + MODULE_ENV
                    + " to a redistimeseries.so the test redis-server can load (Debian packages none)";
            System.out.println("[SKIP] " + context.getDisplayName() + ": " + reason);
            return ConditionEvaluationResult.disabled(reason);
        }
    }
}
