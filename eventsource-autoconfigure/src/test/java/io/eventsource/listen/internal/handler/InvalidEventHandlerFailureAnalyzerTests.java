package io.eventsource.listen.internal.handler;

import io.eventsource.listen.InvalidEventHandlerException;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.BeanCreationException;
import org.springframework.boot.diagnostics.FailureAnalysis;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link InvalidEventHandlerFailureAnalyzer}.
 */
class InvalidEventHandlerFailureAnalyzerTests {

	@Test
	void analysisSaysWhatIsWrongAndHowToFixIt() {
		InvalidEventHandlerException failure = new InvalidEventHandlerException(
				"com.example.Catalog.on() of bean 'catalog' has no event parameter",
				"declare the event as its first parameter");
		FailureAnalysis analysis = new InvalidEventHandlerFailureAnalyzer()
			.analyze(new BeanCreationException("catalog", "Initialization of bean failed", failure));
		assertThat(analysis).isNotNull();
		assertThat(analysis.getDescription())
			.isEqualTo("com.example.Catalog.on() of bean 'catalog' has no event parameter.");
		assertThat(analysis.getAction()).isEqualTo("Declare the event as its first parameter.");
		assertThat(analysis.getCause()).isSameAs(failure);
		assertThat(failure).hasMessage("com.example.Catalog.on() of bean 'catalog' has no event parameter; "
				+ "declare the event as its first parameter");
	}

}
