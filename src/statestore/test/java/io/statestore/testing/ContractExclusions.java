package io.statestore.testing;

import java.lang.reflect.Method;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ConditionEvaluationResult;
import org.junit.jupiter.api.extension.ExecutionCondition;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * The tests of a contract that a subclass does not run, each with its reason: JUnit reports them
 * as skipped with that reason, and it is printed ({@code [EXCLUDED] Class.method: reason}), so
 * nothing is left out silently. A name that matches no test of the class fails the class, so a
 * renamed test cannot slip out of its exclusion into a run it was excluded from for a reason.
 *
 * <pre>{@code
 * @RegisterExtension
 * static ContractExclusions excluded = ContractExclusions.none()
 *         .exclude("aTestOfTheContract", "reads the single ss:feed, which a cluster does not have");
 * }</pre>
 */
public final class ContractExclusions implements ExecutionCondition {
    private final Map<String, String> reasons = new LinkedHashMap<>();
    private String wholeClass;

    private ContractExclusions() {}

    /** Every test runs (add exclusions with {@link #exclude}). */
    public static ContractExclusions none() {
        return new ContractExclusions();
    }

    /** No test of the class runs: its subject is not built for this server yet. */
    public static ContractExclusions all(String reason) {
        ContractExclusions e = new ContractExclusions();
        e.wholeClass = reason;
        return e;
    }

    /** Leaves out the test method {@code name} (a method of the contract), for {@code reason}. */
    public ContractExclusions exclude(String name, String reason) {
        reasons.put(name, reason);
        return this;
    }

    @Override
    public ConditionEvaluationResult evaluateExecutionCondition(ExtensionContext context) {
        Class<?> testClass = context.getRequiredTestClass();
        if (context.getTestMethod().isEmpty()) {
            if (wholeClass != null) {
                System.out.println("[EXCLUDED] " + testClass.getSimpleName() + " (every test): " + wholeClass);
                return ConditionEvaluationResult.disabled(wholeClass);
            }
            checkNames(testClass);
            return ConditionEvaluationResult.enabled("no class-wide exclusion");
        }
        String name = context.getRequiredTestMethod().getName();
        String reason = reasons.get(name);
        if (reason == null) {
            return ConditionEvaluationResult.enabled("not excluded");
        }
        System.out.println("[EXCLUDED] " + testClass.getSimpleName() + "." + name + ": " + reason);
        return ConditionEvaluationResult.disabled(reason);
    }

    /** Fails when an excluded name is no test of {@code testClass} or its superclasses. */
    void checkNames(Class<?> testClass) {
        for (String name : reasons.keySet()) {
            if (!hasTest(testClass, name)) {
                throw new IllegalStateException(testClass.getSimpleName() + " excludes \"" + name
                        + "\", which is not a test of it or its contract: renamed or removed? Update the exclusion");
            }
        }
    }

    private static boolean hasTest(Class<?> c, String name) {
        for (Class<?> k = c; k != null; k = k.getSuperclass()) {
            for (Method m : k.getDeclaredMethods()) {
                if (m.getName().equals(name) && m.isAnnotationPresent(Test.class)) {
                    return true;
                }
            }
        }
        return false;
    }
}
