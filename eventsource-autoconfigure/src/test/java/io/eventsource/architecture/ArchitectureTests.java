package io.eventsource.architecture;

import java.util.List;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.ArchRule;
import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfiguration;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

/**
 * The architecture of the library, written down: packages by concept in the order the
 * data flows, each using only those before it; auto-configuration used by nothing.
 */
class ArchitectureTests {

	/** The packages in the order the data flows; each may use only the ones before it. */
	static final List<String> FLOW = List.of("envelope", "store", "registry", "topology", "publish", "replay", "listen",
			"process", "actuate", "autoconfigure");

	private static final JavaClasses LIBRARY = new ClassFileImporter()
		.withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
		.importPackages("io.eventsource");

	@Test
	void eachPackageUsesOnlyThePackagesBeforeItInTheFlow() {
		for (int i = 0; i < FLOW.size(); i++) {
			String[] later = FLOW.subList(i + 1, FLOW.size())
				.stream()
				.map((name) -> "io.eventsource." + name + "..")
				.toArray(String[]::new);
			if (later.length == 0) {
				continue;
			}
			ArchRule rule = noClasses().that()
				.resideInAPackage("io.eventsource." + FLOW.get(i) + "..")
				.should()
				.dependOnClassesThat()
				.resideInAnyPackage(later)
				.because("package " + FLOW.get(i) + " comes before " + String.join(", ", later) + " in the flow");
			rule.check(LIBRARY);
		}
	}

	@Test
	void everyPackageIsInTheFlow() {
		classes().should()
			.resideInAnyPackage(FLOW.stream().map((name) -> "io.eventsource." + name + "..").toArray(String[]::new))
			.check(LIBRARY);
	}

	@Test
	void noPackageCycles() {
		slices().matching("io.eventsource.(*)..").should().beFreeOfCycles().check(LIBRARY);
	}

	@Test
	void autoConfigurationsArePublicFinal() {
		classes().that()
			.areAnnotatedWith(AutoConfiguration.class)
			.should()
			.bePublic()
			.andShould()
			.haveModifier(com.tngtech.archunit.core.domain.JavaModifier.FINAL)
			.check(LIBRARY);
	}

}
