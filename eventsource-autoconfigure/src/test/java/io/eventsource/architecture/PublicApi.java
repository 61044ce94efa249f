package io.eventsource.architecture;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.domain.JavaCodeUnit;
import com.tngtech.archunit.core.domain.JavaField;
import com.tngtech.archunit.core.domain.JavaMember;
import com.tngtech.archunit.core.domain.JavaModifier;
import com.tngtech.archunit.core.domain.JavaType;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.ArchCondition;
import com.tngtech.archunit.lang.ConditionEvents;
import com.tngtech.archunit.lang.SimpleConditionEvent;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

/**
 * The library's public API as rules other modules check their own code with: the sample,
 * the benchmarks and the deployed test service import only API types, never a type of a
 * package named {@code internal}.
 */
public final class PublicApi {

	/** The packages that are not API: they can change in any release. */
	public static final String INTERNAL = "io.eventsource..internal..";

	private static final Pattern ROW = Pattern.compile("^\\| `(io\\.eventsource\\.[a-z.]+)` \\| ([^|]+) \\|.*$");

	private static final Pattern TYPE = Pattern.compile("`([A-Z]\\w*)`");

	private PublicApi() {
	}

	/**
	 * Fails when a main class of the given packages depends on an internal type.
	 * @param packages the packages of the module's own code
	 */
	public static void assertUsesOnlyTheApi(String... packages) {
		JavaClasses classes = new ClassFileImporter().withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
			.importPackages(packages);
		noClasses().should()
			.dependOnClassesThat()
			.resideInAPackage(INTERNAL)
			.because("application code uses only the public API listed in the README")
			.check(classes);
	}

	/**
	 * Returns the condition that a public type exposes no internal type: not as its
	 * supertype, nor in a public or protected field, constructor or method.
	 * @return the condition
	 */
	static ArchCondition<JavaClass> exposeNoInternalType() {
		return new ArchCondition<>("expose no internal type") {

			@Override
			public void check(JavaClass type, ConditionEvents events) {
				List<JavaType> exposed = new ArrayList<>();
				type.getRawSuperclass().ifPresent(exposed::add);
				exposed.addAll(type.getRawInterfaces());
				Stream.concat(type.getFields().stream(), type.getCodeUnits().stream())
					.filter(PublicApi::isVisible)
					.forEach((member) -> exposed.addAll(signature(member)));
				exposed.stream()
					.flatMap((exposedType) -> exposedType.getAllInvolvedRawTypes().stream())
					.filter((raw) -> raw.getPackageName().contains(".internal"))
					.distinct()
					.forEach((raw) -> events.add(SimpleConditionEvent.violated(type,
							type.getName() + " exposes the internal type " + raw.getName())));
			}

		};
	}

	/**
	 * Returns the types the README's "Public API" table lists.
	 * @param readme the README
	 * @return the fully qualified names
	 * @throws IOException if the README cannot be read
	 */
	static Set<String> listedInReadme(Path readme) throws IOException {
		Set<String> listed = new TreeSet<>();
		boolean inSection = false;
		for (String line : Files.readAllLines(readme)) {
			if (line.startsWith("## ")) {
				inSection = line.equals("## Public API");
				continue;
			}
			Matcher row = ROW.matcher(line);
			if (inSection && row.matches()) {
				Matcher type = TYPE.matcher(row.group(2));
				while (type.find()) {
					listed.add(row.group(1) + "." + type.group(1));
				}
			}
		}
		return listed;
	}

	private static boolean isVisible(JavaMember member) {
		return member.getModifiers().contains(JavaModifier.PUBLIC)
				|| member.getModifiers().contains(JavaModifier.PROTECTED);
	}

	private static List<JavaType> signature(JavaMember member) {
		List<JavaType> types = new ArrayList<>();
		if (member instanceof JavaField field) {
			types.add(field.getType());
		}
		if (member instanceof JavaCodeUnit code) {
			types.add(code.getReturnType());
			types.addAll(code.getParameterTypes());
			code.getThrowsClause().getTypes().forEach(types::add);
		}
		return types;
	}

}
