package io.raybridge.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.raybridge.pipeline.Component;
import io.raybridge.pipeline.ComponentFactory;
import io.raybridge.pipeline.ComponentId;
import io.raybridge.pipeline.ComponentKind;
import io.raybridge.pipeline.ComponentSettings;
import io.raybridge.pipeline.ConsumerException;
import io.raybridge.pipeline.Exporter;
import io.raybridge.pipeline.ExporterFactory;
import io.raybridge.pipeline.Processor;
import io.raybridge.pipeline.ProcessorFactory;
import io.raybridge.pipeline.Receiver;
import io.raybridge.pipeline.ReceiverFactory;
import io.raybridge.pipeline.Traces;
import io.raybridge.pipeline.TracesConsumer;
import java.lang.reflect.Constructor;
import java.lang.reflect.RecordComponent;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.ServiceLoader;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * The compatibility test every receiver, processor and exporter's tests extend. A subclass supplies
 * its factory and, where the defaults do not suffice, a config and a few hooks; the contract then
 * checks what the runtime relies on:
 *
 * <ul>
 *   <li>the factory is found by {@link ServiceLoader} under its kind's interface, and its type is
 *       {@code lower_snake_case};
 *   <li>{@code {}} binds to a config equal to the defaults;
 *   <li>a component can be shut down without being started, and create → start → consume → shutdown
 *       works for two instances in turn, with a repeated shutdown a harmless no-op;
 *   <li>shutdown delivers what was consumed before it (into the next consumer, or for exporters to
 *       the destination);
 *   <li>for processors, a {@link ConsumerException} from the next consumer propagates unchanged.
 * </ul>
 *
 * <pre>{@code
 * class DebugExporterContractTest extends ComponentContractTest<DebugExporterConfig> {
 *   protected ComponentFactory<DebugExporterConfig> factory() { return new DebugExporterFactory(); }
 *   protected long exportedSpanCount() { return output.spanCount(); }
 * }
 * }</pre>
 *
 * <p>Hooks that a kind needs and a subclass does not provide (a receiver's {@link #sendOne}, an
 * exporter's {@link #exportedSpanCount}) make the tests that need them skip, not fail, so that the
 * missing hook shows in the report.
 *
 * @param <C> the component's config record
 */
public abstract class ComponentContractTest<C> {

  /** Metrics recorded by the components this test creates. */
  protected final TestTelemetry telemetry = new TestTelemetry();

  /** The next consumer of receivers and processors created by the contract. */
  protected final TracesSink sink = new TracesSink();

  private final List<Component> created = new ArrayList<>();

  /** The factory under test. */
  protected abstract ComponentFactory<C> factory();

  /** The config components are created with; by default what {@code {}} binds to. */
  protected C config() {
    return ConfigFixtures.bind(factory().configType(), "{}");
  }

  /**
   * The config with every key at its default. By default the record's canonical constructor is
   * called with {@code null} for every component (the convention of config records, whose compact
   * constructors fill in defaults); a record with primitive components must override this.
   */
  protected C expectedDefaults() throws Exception {
    Class<C> type = factory().configType();
    Assumptions.assumeTrue(type.isRecord(), "override expectedDefaults(): not a record");
    RecordComponent[] components = type.getRecordComponents();
    Class<?>[] types = new Class<?>[components.length];
    for (int i = 0; i < components.length; i++) {
      types[i] = components[i].getType();
      Assumptions.assumeFalse(
          types[i].isPrimitive(),
          "override expectedDefaults(): component " + components[i].getName() + " is primitive");
    }
    Constructor<C> canonical = type.getDeclaredConstructor(types);
    canonical.setAccessible(true);
    return canonical.newInstance(new Object[components.length]);
  }

  /** The batch the contract consumes or sends. */
  protected Traces batch() {
    return TraceGenerator.seeded(1).traces(2).spansPerTrace(3).generate();
  }

  /** The shutdown timeout and the longest the contract waits for anything. */
  protected Duration timeout() {
    return Duration.ofSeconds(10);
  }

  /**
   * Receivers: sends {@code traces} to the started {@code receiver} through its protocol (the
   * subclass knows the address from its {@link #config()}). Skips the tests that need it unless
   * overridden.
   */
  protected void sendOne(Receiver receiver, Traces traces) throws Exception {
    Assumptions.abort("override sendOne(Receiver, Traces) to run the receiver's delivery contract");
  }

  /**
   * Exporters: how many spans reached the destination so far (a fake server, a file). Skips the
   * tests that need it unless overridden.
   */
  protected long exportedSpanCount() throws Exception {
    Assumptions.abort("override exportedSpanCount() to run the exporter's delivery contract");
    return 0;
  }

  /**
   * Processors: whether every consumed span is passed on by shutdown at the latest (false for
   * samplers and filters). When false the flush and error-propagation checks are skipped.
   */
  protected boolean forwardsEverything() {
    return true;
  }

  /**
   * Processors: whether a batch reaches the next consumer on the caller's thread, so that its
   * errors surface from {@code consume} (false for buffering processors such as {@code batch}).
   */
  protected boolean propagatesErrorsSynchronously() {
    return true;
  }

  /** The kind of component the factory makes. */
  protected final ComponentKind kind() {
    ComponentFactory<C> f = factory();
    if (f instanceof ReceiverFactory<C>) {
      return ComponentKind.RECEIVER;
    }
    if (f instanceof ProcessorFactory<C>) {
      return ComponentKind.PROCESSOR;
    }
    if (f instanceof ExporterFactory<C>) {
      return ComponentKind.EXPORTER;
    }
    throw new AssertionError(f.getClass() + " is not a receiver, processor or exporter factory");
  }

  /** Settings for a component created by the contract. */
  protected ComponentSettings settings() {
    return TestSettings.builder(kind(), factory().type()).telemetry(telemetry).build();
  }

  /** Creates a component with {@link #config()} whose output goes to {@code next}. */
  protected final Component create(TracesConsumer next) {
    ComponentFactory<C> f = factory();
    Component c;
    if (f instanceof ReceiverFactory<C> rf) {
      c = rf.create(settings(), config(), next);
    } else if (f instanceof ProcessorFactory<C> pf) {
      c = pf.create(settings(), config(), next);
    } else if (f instanceof ExporterFactory<C> ef) {
      c = ef.create(settings(), config());
    } else {
      throw new AssertionError(f.getClass() + " is not a receiver, processor or exporter factory");
    }
    assertThat(c).as("component created by %s", f.getClass().getName()).isNotNull();
    created.add(c);
    return c;
  }

  @AfterEach
  final void shutDownEverythingCreated() {
    for (Component c : created) {
      c.shutdown(Duration.ofSeconds(1));
    }
  }

  private void deliver(Component c, Traces traces) throws Exception {
    switch (kind()) {
      case RECEIVER -> sendOne((Receiver) c, traces);
      case PROCESSOR -> ((Processor) c).consume(traces);
      case EXPORTER -> ((Exporter) c).consume(traces);
    }
  }

  private long delivered() throws Exception {
    return kind() == ComponentKind.EXPORTER ? exportedSpanCount() : sink.spanCount();
  }

  private static Class<?> serviceInterface(ComponentKind kind) {
    return switch (kind) {
      case RECEIVER -> ReceiverFactory.class;
      case PROCESSOR -> ProcessorFactory.class;
      case EXPORTER -> ExporterFactory.class;
    };
  }

  @Test
  void factoryIsDiscoverableThroughServiceLoader() {
    List<Class<?>> found =
        ServiceLoader.load(serviceInterface(kind())).stream()
            .<Class<?>>map(ServiceLoader.Provider::type)
            .toList();
    assertThat(found)
        .as(
            "providers of %s (is the factory listed in META-INF/services/%s?)",
            serviceInterface(kind()).getSimpleName(), serviceInterface(kind()).getName())
        .contains(factory().getClass());
  }

  @Test
  void typeIsLowerSnakeCase() {
    String type = factory().type();
    assertThat(type).matches("[a-z][a-z0-9]*(_[a-z0-9]+)*");
    assertThat(ComponentId.of(type).toString()).isEqualTo(type);
  }

  @Test
  void emptyConfigBindsToTheDefaults() throws Exception {
    Class<C> type = factory().configType();
    assertThat(ConfigFixtures.violations(type, "{}")).as("violations of {}").isEmpty();
    assertThat(ConfigFixtures.bind(type, "{}")).isEqualTo(expectedDefaults());
  }

  @Test
  void shutdownWithoutStartIsHarmless() {
    Component c = create(sink);
    assertThatCode(() -> c.shutdown(timeout())).doesNotThrowAnyException();
    assertThatCode(() -> c.shutdown(timeout())).doesNotThrowAnyException();
  }

  @Test
  void createsStartsConsumesAndShutsDownTwice() throws Exception {
    for (int round = 1; round <= 2; round++) {
      Component c = create(sink);
      c.start();
      deliver(c, batch());
      c.shutdown(timeout());
      c.shutdown(timeout());
    }
  }

  @Test
  void shutdownDeliversWhatWasConsumed() throws Exception {
    Assumptions.assumeTrue(
        kind() != ComponentKind.PROCESSOR || forwardsEverything(),
        "the processor does not forward every span");
    Component c = create(sink);
    c.start();
    Traces batch = batch();
    long before = delivered();
    deliver(c, batch);
    c.shutdown(timeout());
    assertThat(delivered() - before)
        .as("spans delivered by the time shutdown returned")
        .isGreaterThanOrEqualTo(batch.spanCount());
  }

  @Test
  void processorPropagatesDownstreamErrorsUnchanged() throws Exception {
    Assumptions.assumeTrue(kind() == ComponentKind.PROCESSOR, "only processors pass data on");
    Assumptions.assumeTrue(
        forwardsEverything() && propagatesErrorsSynchronously(),
        "the processor does not pass every batch on synchronously");
    for (ConsumerException e :
        List.of(
            ConsumerException.retryable("downstream full (contract test)"),
            ConsumerException.permanent("downstream rejected (contract test)"))) {
      Processor p = (Processor) create(FailingConsumer.throwing(e));
      p.start();
      assertThatThrownBy(() -> p.consume(batch())).isSameAs(e);
      p.shutdown(timeout());
    }
  }
}
