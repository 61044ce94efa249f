package io.eventsource.listen.internal.handler;

import java.util.Collections;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import io.eventsource.listen.EventSourceListener;

import org.springframework.beans.factory.config.BeanDefinition;
import org.springframework.boot.LazyInitializationExcludeFilter;
import org.springframework.core.MethodIntrospector;
import org.springframework.core.annotation.AnnotationUtils;
import org.springframework.core.annotation.MergedAnnotations;
import org.springframework.core.annotation.MergedAnnotations.SearchStrategy;
import org.springframework.core.annotation.RepeatableContainers;

/**
 * Keeps beans with {@link EventSourceListener @EventSourceListener} methods eager under
 * {@code spring.main.lazy-initialization=true}, since handlers are bound at startup only.
 */
public class EventSourceListenerLazyInitializationExcludeFilter implements LazyInitializationExcludeFilter {

	private final Set<Class<?>> nonAnnotatedClasses = Collections.newSetFromMap(new ConcurrentHashMap<>());

	@Override
	public boolean isExcluded(String beanName, BeanDefinition beanDefinition, Class<?> beanType) {
		if (this.nonAnnotatedClasses.contains(beanType)
				|| !AnnotationUtils.isCandidateClass(beanType, EventSourceListener.class)) {
			return false;
		}
		boolean annotated = !MethodIntrospector
			.selectMethods(beanType,
					(MethodIntrospector.MetadataLookup<Boolean>) (method) -> MergedAnnotations
						.from(method, SearchStrategy.TYPE_HIERARCHY, RepeatableContainers.none())
						.isPresent(EventSourceListener.class) ? Boolean.TRUE : null)
			.isEmpty();
		if (!annotated) {
			this.nonAnnotatedClasses.add(beanType);
		}
		return annotated;
	}

}
