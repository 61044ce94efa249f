package io.eventsource.architecture;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;

import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.domain.JavaModifier;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.ArchRule;
import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfiguration;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The architecture of the library, written down: packages by concept in the order the
 * data flows, each using only those before it; auto-configuration used by nothing; a
 * public API of at most {@value #MAX_API_TYPES} types, listed in the README, that exposes
 * no internal type.
 */
class ArchitectureTests {

	/** The packages in the order the data flows; each may use only the ones before it. */
	static final List<String> FLOW = List.of("envelope", "store", "registry", "topology", "publish", "replay", "listen",
			"process", "actuate", "autoconfigure");

	/**
	 * The sub-packages of {@code listen.internal} in the order a message meets them; each
	 * level may use only the levels before it, and the packages of one level not each
	 * other.
	 */
	static final List<List<String>> LISTEN_FLOW = List.of(List.of("handler"), List.of("dispatch"), List.of("lane"),
			List.of("peraggregate", "partitioned", "catchup"));

	/** The most public types the API may have, outside the internal packages. */
	static final int MAX_API_TYPES = 40;

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
	void listeningUsesOnlyTheStepsBeforeIt() {
		for (int level = 0; level < LISTEN_FLOW.size(); level++) {
			for (String name : LISTEN_FLOW.get(level)) {
				List<String> forbidden = LISTEN_FLOW.subList(level, LISTEN_FLOW.size())
					.stream()
					.flatMap(List::stream)
					.filter((other) -> !other.equals(name))
					.map((other) -> "io.eventsource.listen.internal." + other + "..")
					.toList();
				if (forbidden.isEmpty()) {
					continue;
				}
				noClasses().that()
					.resideInAPackage("io.eventsource.listen.internal." + name + "..")
					.should()
					.dependOnClassesThat()
					.resideInAnyPackage(forbidden.toArray(String[]::new))
					.because("listen.internal." + name + " uses only the steps before it")
					.check(LIBRARY);
			}
		}
	}

	@Test
	void everyListeningClassIsInAStep() {
		classes().that()
			.resideInAPackage("io.eventsource.listen.internal..")
			.should()
			.resideInAnyPackage(LISTEN_FLOW.stream()
				.flatMap(List::stream)
				.map((name) -> "io.eventsource.listen.internal." + name + "..")
				.toArray(String[]::new))
			.check(LIBRARY);
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
			.haveModifier(JavaModifier.FINAL)
			.check(LIBRARY);
	}

	@Test
	void apiTypesExposeNoInternalType() {
		classes().that()
			.arePublic()
			.and()
			.resideOutsideOfPackage(PublicApi.INTERNAL)
			.should(PublicApi.exposeNoInternalType())
			.check(LIBRARY);
	}

	@Test
	void theReadmeListsEveryPublicApiType() throws IOException {
		Set<String> api = LIBRARY.stream()
			.filter((type) -> type.getModifiers().contains(JavaModifier.PUBLIC) && type.isTopLevelClass())
			.filter((type) -> !type.getPackageName().contains(".internal"))
			.map(JavaClass::getName)
			.collect(Collectors.toCollection(TreeSet::new));
		assertThat(PublicApi.listedInReadme(Path.of("../README.md")))
			.as("the README's Public API section and the public types outside the internal packages")
			.containsExactlyInAnyOrderElementsOf(api);
		assertThat(api).as("public API types").hasSizeLessThanOrEqualTo(MAX_API_TYPES);
	}

	@Test
	void theInternalPackagesAreNamedSo() {
		classes().that()
			.resideInAPackage(PublicApi.INTERNAL)
			.should()
			.resideInAPackage("io.eventsource.*.internal..")
			.check(LIBRARY);
	}

}
