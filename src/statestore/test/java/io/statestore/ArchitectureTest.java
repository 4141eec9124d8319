package io.statestore;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.codeUnits;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.domain.JavaCodeUnit;
import com.tngtech.archunit.core.domain.JavaModifier;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.ArchCondition;
import com.tngtech.archunit.lang.ArchRule;
import com.tngtech.archunit.lang.ConditionEvents;
import com.tngtech.archunit.lang.SimpleConditionEvent;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The package boundaries of docs/architecture.md, checked on the compiled classes rather than on
 * import lines, so fully qualified names and same-package references cannot slip past. The rule
 * names below are the ones that page cites.
 */
class ArchitectureTest {
    private static JavaClasses main;
    private static JavaClasses bench;

    @BeforeAll
    static void importClasses() {
        main = new ClassFileImporter()
                .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                .importPackages("io.statestore");
        // The benchmarks compile into target/test-classes (never shipped), so they are imported
        // apart from the tests, whose packages mirror their subjects and may reach into internals.
        bench = new ClassFileImporter().importPackages("io.statestore.bench");
    }

    /** clientDependsOnlyOnItsLibraries: what the client jar may need, so embedding it stays cheap. */
    static final ArchRule CLIENT_DEPENDS_ONLY_ON_ITS_LIBRARIES = classes()
            .that()
            .resideInAPackage("io.statestore.client..")
            .should()
            .onlyDependOnClassesThat()
            .resideInAnyPackage(
                    "java..",
                    "javax.net..",
                    "javax.security..",
                    "io.statestore.client..",
                    "redis.clients.jedis..",
                    "com.fasterxml.jackson..",
                    "org.slf4j..",
                    "org.apache.commons.pool2..")
            .as("clientDependsOnlyOnItsLibraries");

    /** clientKnowsNothingOfItsUsers: the client is built first; daemon, CLI, importer and benchmarks on it. */
    static final ArchRule CLIENT_KNOWS_NOTHING_OF_ITS_USERS = noClasses()
            .that()
            .resideInAPackage("io.statestore.client..")
            .should()
            .dependOnClassesThat()
            .resideInAnyPackage(
                    "io.statestore.daemon..", "io.statestore.cli..", "io.statestore.migrate..", "io.statestore.bench..")
            .as("clientKnowsNothingOfItsUsers");

    /** noInternalsOutsideTheClient: daemon, CLI, importer and benchmarks use the API and io.statestore.client.spi. */
    static final ArchRule NO_INTERNALS_OUTSIDE_THE_CLIENT = noClasses()
            .that()
            .resideOutsideOfPackage("io.statestore.client..")
            .should()
            .dependOnClassesThat()
            .resideInAPackage("io.statestore.client..internal..")
            .as("noInternalsOutsideTheClient");

    /**
     * apiDoesNotLeakInternals: a user of io.statestore.client never has to name an internal or SPI
     * type. The API's implementation may call into them (StateStore.connect opens an internal
     * StateStores); what is checked is every public signature a user can see.
     */
    static final ArchRule API_DOES_NOT_LEAK_INTERNALS = codeUnits()
            .that()
            .areDeclaredInClassesThat()
            .resideInAPackage("io.statestore.client")
            .or()
            .areDeclaredInClassesThat()
            .resideInAPackage("io.statestore.client.events..")
            .should(new ArchCondition<JavaCodeUnit>("name no internal or SPI type in a public signature") {
                @Override
                public void check(JavaCodeUnit unit, ConditionEvents events) {
                    if (!unit.getModifiers().contains(JavaModifier.PUBLIC)
                            || !unit.getOwner().getModifiers().contains(JavaModifier.PUBLIC)) {
                        return;
                    }
                    List<JavaClass> types = new ArrayList<>(unit.getRawParameterTypes());
                    types.add(unit.getRawReturnType());
                    for (JavaClass t : types) {
                        String p = t.getBaseComponentType().getPackageName();
                        if (p.startsWith("io.statestore.client.internal") || p.startsWith("io.statestore.client.spi")) {
                            events.add(SimpleConditionEvent.violated(
                                    unit, unit.getFullName() + " exposes " + t.getName()));
                        }
                    }
                }
            })
            .as("apiDoesNotLeakInternals");

    /** noCyclesBetweenTopLevelPackages: client, daemon, cli and migrate form a layering, not a knot. */
    static final ArchRule NO_CYCLES_BETWEEN_TOP_LEVEL_PACKAGES =
            slices().matching("io.statestore.(*)..").should().beFreeOfCycles().as("noCyclesBetweenTopLevelPackages");

    @Test
    void clientDependsOnlyOnItsLibraries() {
        CLIENT_DEPENDS_ONLY_ON_ITS_LIBRARIES.check(main);
    }

    @Test
    void clientKnowsNothingOfItsUsers() {
        CLIENT_KNOWS_NOTHING_OF_ITS_USERS.check(main);
    }

    @Test
    void noInternalsOutsideTheClient() {
        NO_INTERNALS_OUTSIDE_THE_CLIENT.check(main);
    }

    @Test
    void benchmarksUseNoInternals() {
        NO_INTERNALS_OUTSIDE_THE_CLIENT.check(bench);
    }

    @Test
    void apiDoesNotLeakInternals() {
        API_DOES_NOT_LEAK_INTERNALS.check(main);
    }

    @Test
    void noCyclesBetweenTopLevelPackages() {
        NO_CYCLES_BETWEEN_TOP_LEVEL_PACKAGES.check(main);
    }
}
