package io.eventsource.listen.internal.handler;

import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.Collections;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;

import io.eventsource.envelope.EventMetadata;
import io.eventsource.envelope.internal.AggregateNames;
import io.eventsource.envelope.internal.EventTypes;
import io.eventsource.listen.EventSourceListener;
import io.eventsource.listen.InvalidEventHandlerException;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

import org.springframework.aop.scope.ScopedProxyUtils;
import org.springframework.aop.support.AopUtils;
import org.springframework.beans.factory.BeanFactory;
import org.springframework.beans.factory.BeanFactoryAware;
import org.springframework.beans.factory.SmartInitializingSingleton;
import org.springframework.beans.factory.config.BeanPostProcessor;
import org.springframework.beans.factory.config.ConfigurableListableBeanFactory;
import org.springframework.core.MethodIntrospector;
import org.springframework.core.Ordered;
import org.springframework.core.ResolvableType;
import org.springframework.core.annotation.AnnotationUtils;
import org.springframework.core.annotation.MergedAnnotation;
import org.springframework.core.annotation.MergedAnnotations;
import org.springframework.core.annotation.MergedAnnotations.SearchStrategy;
import org.springframework.core.annotation.RepeatableContainers;
import org.springframework.util.ClassUtils;
import org.springframework.util.StringUtils;

/**
 * Collects the {@link EventSourceListener @EventSourceListener} methods of every bean
 * into {@link EventHandlers}, checking each one; it starts nothing.
 * <p>
 * Methods are found on the bean's target class through merged annotations over the type
 * hierarchy, so meta-annotations, inherited methods and proxied beans work; they are
 * invoked through the proxy, so {@code @Transactional} on a handler applies. Classes
 * without handlers are remembered and not searched again.
 * <p>
 * Handlers are bound at startup only: a bean with handlers that is created after the
 * singletons (lazy, or of a non-singleton scope) fails, rather than leaving events it
 * would have handled acknowledged as ignored.
 */
public class EventSourceListenerAnnotationBeanPostProcessor
		implements BeanPostProcessor, BeanFactoryAware, SmartInitializingSingleton, Ordered {

	/** The longest projection name, in characters. */
	public static final int MAX_PROJECTION_LENGTH = 128;

	private static final Pattern PROJECTION = Pattern.compile("[A-Za-z0-9_.-]+");

	private static final Log logger = LogFactory.getLog(EventSourceListenerAnnotationBeanPostProcessor.class);

	private final Set<Class<?>> nonAnnotatedClasses = Collections.newSetFromMap(new ConcurrentHashMap<>());

	private final EventHandlers handlers = new EventHandlers();

	private @Nullable ConfigurableListableBeanFactory beanFactory;

	private volatile boolean singletonsInstantiated;

	/**
	 * Returns the handlers collected so far; complete once the context's singletons are
	 * instantiated.
	 * @return the handlers
	 */
	public EventHandlers getEventHandlers() {
		return this.handlers;
	}

	@Override
	public int getOrder() {
		return LOWEST_PRECEDENCE;
	}

	@Override
	public void setBeanFactory(BeanFactory beanFactory) {
		this.beanFactory = (beanFactory instanceof ConfigurableListableBeanFactory listable) ? listable : null;
	}

	@Override
	public void afterSingletonsInstantiated() {
		this.singletonsInstantiated = true;
		if (logger.isDebugEnabled()) {
			logger.debug("Collected " + this.handlers);
		}
	}

	@Override
	public Object postProcessAfterInitialization(Object bean, String beanName) {
		if (ScopedProxyUtils.isScopedTarget(beanName)) {
			return bean;
		}
		Class<?> targetClass = AopUtils.getTargetClass(bean);
		if (this.nonAnnotatedClasses.contains(targetClass)
				|| !AnnotationUtils.isCandidateClass(targetClass, EventSourceListener.class)) {
			return bean;
		}
		Map<Method, MergedAnnotation<EventSourceListener>> annotated = MethodIntrospector.selectMethods(targetClass,
				(MethodIntrospector.MetadataLookup<MergedAnnotation<EventSourceListener>>) (method) -> {
					MergedAnnotation<EventSourceListener> annotation = MergedAnnotations
						.from(method, SearchStrategy.TYPE_HIERARCHY, RepeatableContainers.none())
						.get(EventSourceListener.class);
					return annotation.isPresent() ? annotation : null;
				});
		if (annotated.isEmpty()) {
			this.nonAnnotatedClasses.add(targetClass);
			return bean;
		}
		checkBoundAtStartup(beanName);
		annotated.forEach((method, annotation) -> this.handlers
			.add(handler(bean, beanName, targetClass, method, annotation.getString("projection"))));
		return bean;
	}

	private void checkBoundAtStartup(String beanName) {
		if (this.singletonsInstantiated) {
			throw new InvalidEventHandlerException(
					"Bean '" + beanName + "' declares @EventSourceListener methods but was created after startup",
					"make it a non-lazy singleton: handlers are bound when the application starts");
		}
		if (this.beanFactory != null && this.beanFactory.containsBeanDefinition(beanName)
				&& !this.beanFactory.getMergedBeanDefinition(beanName).isSingleton()) {
			throw new InvalidEventHandlerException(
					"Bean '" + beanName + "' declares @EventSourceListener methods but is not a singleton",
					"make it a singleton: each event is handled by one handler per projection");
		}
	}

	private EventHandler handler(Object bean, String beanName, Class<?> targetClass, Method method, String projection) {
		String handlerName = "@EventSourceListener method " + InvalidEventHandlerException.describe(beanName, method);
		Class<?>[] parameterTypes = method.getParameterTypes();
		if (parameterTypes.length == 0 || parameterTypes[0] == EventMetadata.class) {
			throw new InvalidEventHandlerException(handlerName + " has no event parameter",
					"declare the event as its first parameter: (MyEvent event) or "
							+ "(MyEvent event, EventMetadata metadata)");
		}
		if (parameterTypes.length > 2 || (parameterTypes.length == 2 && parameterTypes[1] != EventMetadata.class)) {
			throw new InvalidEventHandlerException(handlerName + " has parameters that cannot be bound",
					"declare (MyEvent event) or (MyEvent event, EventMetadata metadata), nothing else");
		}
		Class<?> eventClass = ResolvableType.forMethodParameter(method, 0, targetClass).toClass();
		String aggregateType = aggregateType(handlerName, eventClass);
		String eventType = eventType(handlerName, eventClass);
		return new EventHandler(beanName, bean, method, invocableMethod(handlerName, method, bean), new HandlerBinding(
				eventClass, projection(handlerName, targetClass, projection), aggregateType, eventType));
	}

	private static String aggregateType(String handlerName, Class<?> eventClass) {
		String aggregateType = EventTypes.aggregateOf(eventClass);
		if (aggregateType == null) {
			throw new InvalidEventHandlerException(
					"Event class " + eventClass.getName() + " of " + handlerName + " declares no aggregate type",
					"annotate " + eventClass.getSimpleName()
							+ " with @EventType(aggregate = \"...\"), naming the aggregate type its producer publishes "
							+ "it for");
		}
		try {
			AggregateNames.requireAggregateType(aggregateType);
		}
		catch (IllegalArgumentException ex) {
			throw new InvalidEventHandlerException(
					"Event class " + eventClass.getName() + " of " + handlerName
							+ " declares an invalid aggregate type: " + ex.getMessage(),
					"fix @EventType(aggregate = \"...\") on " + eventClass.getSimpleName());
		}
		return aggregateType;
	}

	private static String eventType(String handlerName, Class<?> eventClass) {
		try {
			return EventTypes.nameOf(eventClass);
		}
		catch (IllegalArgumentException ex) {
			throw new InvalidEventHandlerException(
					"Event class " + eventClass.getName() + " of " + handlerName + " has no event type name: "
							+ ex.getMessage(),
					"give the event a named class, or name its type with @EventType(name = \"...\")");
		}
	}

	private static String projection(String handlerName, Class<?> targetClass, String declared) {
		String projection = StringUtils.hasLength(declared) ? declared
				: StringUtils.uncapitalizeAsProperty(ClassUtils.getUserClass(targetClass).getSimpleName());
		if (!StringUtils.hasText(projection) || projection.length() > MAX_PROJECTION_LENGTH
				|| !PROJECTION.matcher(projection).matches()) {
			throw new InvalidEventHandlerException(
					handlerName + " has an invalid projection '" + projection + "'"
							+ (StringUtils.hasLength(declared) ? "" : " (derived from its class name)"),
					"set @EventSourceListener(projection = \"...\") to letters, digits, '_', '.' or '-', at most "
							+ MAX_PROJECTION_LENGTH + " characters");
		}
		return projection;
	}

	private static Method invocableMethod(String handlerName, Method method, Object bean) {
		try {
			return AopUtils.selectInvocableMethod(method, bean.getClass());
		}
		catch (IllegalStateException ex) {
			throw new InvalidEventHandlerException(
					handlerName + " cannot be invoked through the bean's proxy: " + ex.getMessage(),
					(Modifier.isPrivate(method.getModifiers()) ? "make it non-private"
							: "declare it on an interface the proxy implements, or use class-based proxies "
									+ "(spring.aop.proxy-target-class=true)"));
		}
	}

}
