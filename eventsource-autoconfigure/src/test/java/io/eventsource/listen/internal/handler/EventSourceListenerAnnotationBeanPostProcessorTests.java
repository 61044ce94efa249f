package io.eventsource.listen.internal.handler;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import io.eventsource.envelope.EventMetadata;
import io.eventsource.listen.EventSourceListener;
import io.eventsource.listen.InvalidEventHandlerException;
import io.eventsource.listen.internal.TestEvents;
import io.eventsource.listen.internal.TestEvents.BadlyOwned;
import io.eventsource.listen.internal.TestEvents.OrderPlaced;
import io.eventsource.listen.internal.TestEvents.ProductCreated;
import io.eventsource.listen.internal.TestEvents.Renamed;
import io.eventsource.listen.internal.TestEvents.Unowned;
import org.junit.jupiter.api.Test;

import org.springframework.aop.support.AopUtils;
import org.springframework.beans.factory.BeanCreationException;
import org.springframework.boot.test.context.assertj.AssertableApplicationContext;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.annotation.AliasFor;
import org.springframework.transaction.TransactionDefinition;
import org.springframework.transaction.annotation.EnableTransactionManagement;
import org.springframework.transaction.annotation.Transactional;
import org.springframework.transaction.support.AbstractPlatformTransactionManager;
import org.springframework.transaction.support.DefaultTransactionStatus;
import org.springframework.transaction.support.TransactionSynchronizationManager;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * Tests for {@link EventSourceListenerAnnotationBeanPostProcessor}.
 */
class EventSourceListenerAnnotationBeanPostProcessorTests {

	private final ApplicationContextRunner runner = new ApplicationContextRunner()
		.withUserConfiguration(ListenerConfiguration.class);

	@Test
	void handlersOfPlainBeanAreFound() {
		this.runner.withBean("catalog", Catalog.class).run((context) -> {
			EventHandlers handlers = handlers(context);
			assertThat(handlers.aggregateTypes()).containsExactly("Product");
			assertThat(handlers.projections("Product")).containsExactly("catalog");
			EventHandler created = handlers.handler("Product", "catalog", "ProductCreated");
			assertThat(created).isNotNull();
			assertThat(created.bean()).isSameAs(context.getBean(Catalog.class));
			assertThat(created.beanName()).isEqualTo("catalog");
			assertThat(created.eventClass()).isEqualTo(ProductCreated.class);
			assertThat(created.aggregateType()).isEqualTo("Product");
			assertThat(created.eventType()).isEqualTo("ProductCreated");
			assertThat(created.takesMetadata()).isTrue();
			EventHandler renamed = handlers.handler("Product", "catalog", "ProductRenamed");
			assertThat(renamed).isNotNull();
			assertThat(renamed.eventClass()).isEqualTo(Renamed.class);
			assertThat(renamed.takesMetadata()).isFalse();
		});
	}

	@Test
	void projectionDefaultsToTheDecapitalizedClassName() {
		this.runner.withBean("somethingElse", Catalog.class)
			.run((context) -> assertThat(handlers(context).projections("Product")).containsExactly("catalog"));
	}

	@Test
	void projectionCanBeSet() {
		this.runner.withBean(Billing.class).run((context) -> {
			EventHandlers handlers = handlers(context);
			assertThat(handlers.aggregateTypes()).containsExactly("Order", "Product");
			assertThat(handlers.projections("Order")).containsExactly("billing-v2");
			assertThat(handlers.handler("Order", "billing-v2", "OrderPlaced")).isNotNull();
			assertThat(handlers.handlers("Product", "billing-v2")).extracting(EventHandler::eventType)
				.containsExactly("ProductCreated");
		});
	}

	@Test
	void handlersOfClassProxiedTransactionalBeanRunInATransaction() {
		this.runner.withUserConfiguration(TransactionConfiguration.class)
			.withBean(TransactionalCatalog.class)
			.run((context) -> {
				TransactionalCatalog bean = context.getBean(TransactionalCatalog.class);
				assertThat(AopUtils.isCglibProxy(bean)).isTrue();
				EventHandler handler = handlers(context).handler("Product", "transactionalCatalog", "ProductCreated");
				assertThat(handler).isNotNull();
				assertThat(handler.bean()).isSameAs(bean);
				handler.invoke(new ProductCreated("A-1", "Lamp"), TestEvents.metadata("ProductCreated"));
				assertThat(bean.transactionActive()).containsExactly(true);
				assertThat(context.getBean(RecordingTransactionManager.class).calls).containsExactly("begin", "commit");
			});
	}

	@Test
	void handlersOfInterfaceProxiedTransactionalBeanRunInATransaction() {
		this.runner.withUserConfiguration(TransactionConfiguration.class)
			.withBean("products", ProductListener.class, InterfaceCatalog::new)
			.run((context) -> {
				Object bean = context.getBean("products");
				assertThat(AopUtils.isJdkDynamicProxy(bean)).isTrue();
				EventHandler handler = handlers(context).handler("Product", "interfaceCatalog", "ProductCreated");
				assertThat(handler).isNotNull();
				assertThat(handler.method().getDeclaringClass()).isEqualTo(ProductListener.class);
				assertThat(handler.describe()).contains(InterfaceCatalog.class.getName() + ".on(ProductCreated)");
				handler.invoke(new ProductCreated("A-1", "Lamp"), TestEvents.metadata("ProductCreated"));
				assertThat(context.getBean(RecordingTransactionManager.class).calls).containsExactly("begin", "commit");
			});
	}

	@Test
	void inheritedMethodsAreFound() {
		this.runner.withBean(InheritingCatalog.class).run((context) -> {
			EventHandlers handlers = handlers(context);
			assertThat(handlers.handler("Product", "inheritingCatalog", "ProductCreated")).isNotNull();
			assertThat(handlers.handler("Product", "inheritingCatalog", "ProductRenamed")).isNotNull();
		});
	}

	@Test
	void eventClassOfGenericMethodIsResolvedOnTheBeanClass() {
		this.runner.withBean(OrderProjection.class).run((context) -> {
			EventHandler handler = handlers(context).handler("Order", "orderProjection", "OrderPlaced");
			assertThat(handler).isNotNull();
			assertThat(handler.eventClass()).isEqualTo(OrderPlaced.class);
		});
	}

	@Test
	void metaAnnotatedMethodsAreFound() {
		this.runner.withBean(Audit.class).run((context) -> {
			EventHandlers handlers = handlers(context);
			assertThat(handlers.handler("Product", "audit", "ProductCreated")).isNotNull();
			assertThat(handlers.handler("Order", "audit-orders", "OrderPlaced")).isNotNull();
		});
	}

	@Test
	void beansWithoutHandlersAreIgnored() {
		this.runner.withBean(String.class, () -> "plain")
			.run((context) -> assertThat(handlers(context).isEmpty()).isTrue());
	}

	@Test
	void methodWithoutParametersFails() {
		this.runner.withBean("bad", NoParameter.class)
			.run((context) -> assertFailure(context,
					"@EventSourceListener method " + NoParameter.class.getName()
							+ ".on() of bean 'bad' has no event parameter; declare the event "
							+ "as its first parameter: (MyEvent event) or (MyEvent event, EventMetadata metadata)"));
	}

	@Test
	void methodWithOnlyMetadataFails() {
		this.runner.withBean("bad", MetadataOnly.class)
			.run((context) -> assertFailure(context,
					MetadataOnly.class.getName() + ".on(EventMetadata) of bean 'bad' has no event parameter"));
	}

	@Test
	void methodWithAnotherSecondParameterFails() {
		this.runner.withBean("bad", WrongSecondParameter.class)
			.run((context) -> assertFailure(context,
					WrongSecondParameter.class.getName()
							+ ".on(ProductCreated, String) of bean 'bad' has parameters that cannot be bound; declare "
							+ "(MyEvent event) or (MyEvent event, EventMetadata metadata), nothing else"));
	}

	@Test
	void methodWithThreeParametersFails() {
		this.runner.withBean("bad", ThreeParameters.class)
			.run((context) -> assertFailure(context, ".on(ProductCreated, EventMetadata, EventMetadata) of bean "
					+ "'bad' has parameters that cannot be bound"));
	}

	@Test
	void eventClassWithoutAggregateTypeFails() {
		this.runner.withBean("bad", UnownedListener.class)
			.run((context) -> assertFailure(context,
					"Event class " + Unowned.class.getName() + " of @EventSourceListener method "
							+ UnownedListener.class.getName()
							+ ".on(Unowned) of bean 'bad' declares no aggregate type; annotate Unowned with "
							+ "@EventType(aggregate = \"...\")"));
	}

	@Test
	void eventClassWithInvalidAggregateTypeFails() {
		this.runner.withBean("bad", BadlyOwnedListener.class)
			.run((context) -> assertFailure(context,
					"Event class " + BadlyOwned.class.getName() + " of @EventSourceListener method "
							+ BadlyOwnedListener.class.getName()
							+ ".on(BadlyOwned) of bean 'bad' declares an invalid aggregate type: 'aggregateType' "
							+ "'not valid' is invalid"));
	}

	@Test
	void twoMethodsOfOneBeanForOneEventTypeFail() {
		this.runner.withBean("bad", TwoHandlers.class)
			.run((context) -> assertFailure(context,
					"Two @EventSourceListener methods handle event type "
							+ "'ProductCreated' of aggregate type 'Product' in projection 'twoHandlers': ",
					".first(", ".second(", "keep one of them, or move one to another projection"));
	}

	@Test
	void twoBeansOfOneProjectionForOneEventTypeFail() {
		this.runner.withBean("catalog", Catalog.class)
			.withBean("other", OtherCatalog.class)
			.run((context) -> assertFailure(context,
					"in projection 'catalog': " + Catalog.class.getName() + ".on(ProductCreated, EventMetadata) of "
							+ "bean 'catalog' and " + OtherCatalog.class.getName() + ".on(ProductCreated) of bean "
							+ "'other'"));
	}

	@Test
	void twoBeansInDifferentProjectionsForOneEventTypeAreFine() {
		this.runner.withBean("catalog", Catalog.class)
			.withBean(Billing.class)
			.run((context) -> assertThat(handlers(context).projections("Product")).containsExactly("billing-v2",
					"catalog"));
	}

	@Test
	void blankProjectionFails() {
		this.runner.withBean("bad", BlankProjection.class)
			.run((context) -> assertFailure(context, ".on(ProductCreated) of bean 'bad' has an invalid projection "
					+ "' '; set @EventSourceListener(projection = \"...\") to letters, digits, '_', '.' or '-', at "
					+ "most 128 characters"));
	}

	@Test
	void invalidProjectionFails() {
		this.runner.withBean("bad", InvalidProjection.class)
			.run((context) -> assertFailure(context, "has an invalid projection 'cat alog'"));
	}

	@Test
	void tooLongProjectionFails() {
		this.runner.withBean("bad", LongProjection.class)
			.run((context) -> assertFailure(context, "has an invalid projection '" + "p".repeat(129) + "'"));
	}

	@Test
	void privateMethodOfClassProxiedBeanFails() {
		this.runner.withUserConfiguration(TransactionConfiguration.class)
			.withBean("bad", PrivateTransactionalHandler.class)
			.run((context) -> assertFailure(context,
					".on(ProductCreated) of bean 'bad' cannot be invoked through the bean's proxy: ",
					"; make it non-private"));
	}

	@Test
	void beanWithHandlersCreatedAfterStartupFails() {
		this.runner.withBean("late", Catalog.class, Catalog::new, (definition) -> definition.setLazyInit(true))
			.run((context) -> {
				assertThat(context).hasNotFailed();
				assertThatExceptionOfType(BeanCreationException.class).isThrownBy(() -> context.getBean("late"))
					.havingRootCause()
					.isInstanceOf(InvalidEventHandlerException.class)
					.withMessage("Bean 'late' declares @EventSourceListener methods but was created after startup; "
							+ "make it a non-lazy singleton: handlers are bound when the application starts");
			});
	}

	private static EventHandlers handlers(AssertableApplicationContext context) {
		assertThat(context).hasNotFailed();
		return context.getBean(EventSourceListenerAnnotationBeanPostProcessor.class).getEventHandlers();
	}

	private static void assertFailure(AssertableApplicationContext context, String... messageParts) {
		assertThat(context).hasFailed();
		assertThat(context.getStartupFailure()).rootCause()
			.isInstanceOf(InvalidEventHandlerException.class)
			.message()
			.contains(messageParts);
	}

	@Configuration(proxyBeanMethods = false)
	static class ListenerConfiguration {

		@Bean
		static EventSourceListenerAnnotationBeanPostProcessor eventSourceListenerAnnotationBeanPostProcessor() {
			return new EventSourceListenerAnnotationBeanPostProcessor();
		}

	}

	@Configuration(proxyBeanMethods = false)
	@EnableTransactionManagement
	static class TransactionConfiguration {

		@Bean
		RecordingTransactionManager transactionManager() {
			return new RecordingTransactionManager();
		}

	}

	static class RecordingTransactionManager extends AbstractPlatformTransactionManager {

		final List<String> calls = new CopyOnWriteArrayList<>();

		@Override
		protected Object doGetTransaction() {
			return new Object();
		}

		@Override
		protected void doBegin(Object transaction, TransactionDefinition definition) {
			this.calls.add("begin");
		}

		@Override
		protected void doCommit(DefaultTransactionStatus status) {
			this.calls.add("commit");
		}

		@Override
		protected void doRollback(DefaultTransactionStatus status) {
			this.calls.add("rollback");
		}

	}

	static class Catalog {

		@EventSourceListener
		void on(ProductCreated event, EventMetadata metadata) {
		}

		@EventSourceListener
		void on(Renamed event) {
		}

		void notAHandler(ProductCreated event) {
		}

	}

	static class OtherCatalog {

		@EventSourceListener(projection = "catalog")
		void on(ProductCreated event) {
		}

	}

	static class Billing {

		@EventSourceListener(projection = "billing-v2")
		void on(OrderPlaced event) {
		}

		@EventSourceListener(projection = "billing-v2")
		void on(ProductCreated event) {
		}

	}

	static class TransactionalCatalog {

		private final List<Boolean> transactionActive = new CopyOnWriteArrayList<>();

		@EventSourceListener
		@Transactional
		void on(ProductCreated event) {
			this.transactionActive.add(TransactionSynchronizationManager.isActualTransactionActive());
		}

		List<Boolean> transactionActive() {
			return this.transactionActive;
		}

	}

	interface ProductListener {

		void on(ProductCreated event);

	}

	static class InterfaceCatalog implements ProductListener {

		@Override
		@EventSourceListener
		@Transactional
		public void on(ProductCreated event) {
		}

	}

	abstract static class AbstractCatalog {

		@EventSourceListener
		void on(ProductCreated event) {
		}

		@EventSourceListener
		abstract void on(Renamed event);

	}

	static class InheritingCatalog extends AbstractCatalog {

		@Override
		void on(Renamed event) {
		}

	}

	abstract static class GenericProjection<E> {

		@EventSourceListener
		void on(E event) {
		}

	}

	static class OrderProjection extends GenericProjection<OrderPlaced> {

	}

	@Target(ElementType.METHOD)
	@Retention(RetentionPolicy.RUNTIME)
	@EventSourceListener(projection = "audit")
	@interface AuditListener {

	}

	@Target(ElementType.METHOD)
	@Retention(RetentionPolicy.RUNTIME)
	@EventSourceListener
	@interface ProjectionListener {

		@AliasFor(annotation = EventSourceListener.class, attribute = "projection")
		String value();

	}

	static class Audit {

		@AuditListener
		void on(ProductCreated event) {
		}

		@ProjectionListener("audit-orders")
		void on(OrderPlaced event) {
		}

	}

	static class NoParameter {

		@EventSourceListener
		void on() {
		}

	}

	static class MetadataOnly {

		@EventSourceListener
		void on(EventMetadata metadata) {
		}

	}

	static class WrongSecondParameter {

		@EventSourceListener
		void on(ProductCreated event, String other) {
		}

	}

	static class ThreeParameters {

		@EventSourceListener
		void on(ProductCreated event, EventMetadata metadata, EventMetadata again) {
		}

	}

	static class UnownedListener {

		@EventSourceListener
		void on(Unowned event) {
		}

	}

	static class BadlyOwnedListener {

		@EventSourceListener
		void on(BadlyOwned event) {
		}

	}

	static class TwoHandlers {

		@EventSourceListener
		void first(ProductCreated event) {
		}

		@EventSourceListener
		void second(ProductCreated event, EventMetadata metadata) {
		}

	}

	static class BlankProjection {

		@EventSourceListener(projection = " ")
		void on(ProductCreated event) {
		}

	}

	static class InvalidProjection {

		@EventSourceListener(projection = "cat alog")
		void on(ProductCreated event) {
		}

	}

	static class LongProjection {

		@EventSourceListener(
				projection = "ppppppppppppppppppppppppppppppppppppppppppppppppppppppppppppppppppppppppppppppp"
						+ "pppppppppppppppppppppppppppppppppppppppppppppppppp")
		void on(ProductCreated event) {
		}

	}

	static class PrivateTransactionalHandler {

		@EventSourceListener
		private void on(ProductCreated event) {
		}

		@Transactional
		public void write() {
		}

	}

}
