package io.eventsource.autoconfigure;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The README's property table lists exactly the properties the configuration processor
 * generated metadata for, so that the two cannot drift apart.
 */
class ReadmePropertiesTests {

	private static final Pattern ROW = Pattern.compile(
			"^\\| `((?:eventsource|management\\.health\\.eventsource|management\\.endpoint\\.(?:eventsource|processes))[^`]*)` \\|",
			Pattern.MULTILINE);

	@Test
	void readmeListsEveryPropertyAndNoOther() throws IOException {
		List<String> documented = new ArrayList<>();
		Matcher matcher = ROW.matcher(Files.readString(Path.of("..", "README.md")));
		while (matcher.find()) {
			documented.add(matcher.group(1));
		}
		assertThat(documented).containsExactlyInAnyOrderElementsOf(metadataProperties());
	}

	private static List<String> metadataProperties() throws IOException {
		List<String> names = new ArrayList<>();
		JsonMapper mapper = JsonMapper.builder().build();
		// the processor merges the additional metadata into the generated file
		for (String resource : new String[] { "META-INF/spring-configuration-metadata.json" }) {
			try (InputStream in = ReadmePropertiesTests.class.getClassLoader().getResourceAsStream(resource)) {
				assertThat(in).as(resource).isNotNull();
				JsonNode root = mapper.readTree(in);
				for (JsonNode property : root.path("properties")) {
					names.add(property.path("name").asString());
				}
			}
		}
		return names;
	}

}
