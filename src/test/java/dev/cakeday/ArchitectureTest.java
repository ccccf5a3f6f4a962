package dev.cakeday;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

/**
 * Which package may depend on which: the direction the code base keeps, checked on its bytecode.
 */
class ArchitectureTest {

    static final JavaClasses CAKEDAY =
            new ClassFileImporter()
                    .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                    .importPackages("dev.cakeday");

    /** Users know greetings only through the GreetingOutlook interface they own. */
    @Test
    void usersNeverDependOnGreetings() {
        noClasses()
                .that()
                .resideInAPackage("dev.cakeday.user..")
                .should()
                .dependOnClassesThat()
                .resideInAPackage("dev.cakeday.greeting..")
                .check(CAKEDAY);
    }

    /**
     * The occasion, calendar, planning and delivery capabilities depend on each other without a
     * cycle.
     */
    @Test
    void greetingCapabilitiesAreFreeOfCycles() {
        slices().matching("dev.cakeday.greeting.(*)..").should().beFreeOfCycles().check(CAKEDAY);
    }

    /** Occasions and the calendar are the vocabulary: they know nothing of planning or delivery. */
    @Test
    void occasionsAndTheCalendarKnowNeitherPlanningNorDelivery() {
        noClasses()
                .that()
                .resideInAnyPackage(
                        "dev.cakeday.greeting.occasion..", "dev.cakeday.greeting.calendar..")
                .should()
                .dependOnClassesThat()
                .resideInAnyPackage(
                        "dev.cakeday.greeting.planning..", "dev.cakeday.greeting.delivery..")
                .check(CAKEDAY);
    }

    /** Delivery sends what is planned; it never plans. */
    @Test
    void deliveryNeverDependsOnPlanning() {
        noClasses()
                .that()
                .resideInAPackage("dev.cakeday.greeting.delivery..")
                .should()
                .dependOnClassesThat()
                .resideInAPackage("dev.cakeday.greeting.planning..")
                .check(CAKEDAY);
    }

    /** The channels send the greeting they are handed: they know no user and no greeting type. */
    @Test
    void theMailChannelKnowsNoUserAndNoGreeting() {
        noClasses()
                .that()
                .resideInAPackage("dev.cakeday.mail..")
                .should()
                .dependOnClassesThat()
                .resideInAnyPackage("dev.cakeday.user..", "dev.cakeday.greeting..")
                .check(CAKEDAY);
    }

    /** The fleet's clock is measured against the database alone. */
    @Test
    void theClockDependsOnNoFeature() {
        noClasses()
                .that()
                .resideInAPackage("dev.cakeday.clock..")
                .should()
                .dependOnClassesThat()
                .resideInAnyPackage(
                        "dev.cakeday.user..", "dev.cakeday.greeting..", "dev.cakeday.mail..")
                .check(CAKEDAY);
    }

    /** The security boundary stands before every feature and depends on none. */
    @Test
    void securityDependsOnNoFeature() {
        noClasses()
                .that()
                .resideInAPackage("dev.cakeday.security..")
                .should()
                .dependOnClassesThat()
                .resideInAnyPackage(
                        "dev.cakeday.user..", "dev.cakeday.greeting..", "dev.cakeday.mail..")
                .check(CAKEDAY);
    }

    /**
     * The local mode only supplies a database and says what it runs: it knows no user and no
     * greeting, so nothing of it can reach production behaviour.
     */
    @Test
    void theLocalModeKnowsNoUserAndNoGreeting() {
        noClasses()
                .that()
                .resideInAPackage("dev.cakeday.local..")
                .should()
                .dependOnClassesThat()
                .resideInAnyPackage("dev.cakeday.user..", "dev.cakeday.greeting..")
                .check(CAKEDAY);
    }
}
