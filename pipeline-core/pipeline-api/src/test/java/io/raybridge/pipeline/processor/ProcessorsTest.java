package io.raybridge.pipeline.processor;

import static io.raybridge.pipeline.ApiFixtures.resource;
import static io.raybridge.pipeline.ApiFixtures.traces;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.raybridge.pipeline.ApiFixtures;
import io.raybridge.pipeline.ComponentKind;
import io.raybridge.pipeline.ComponentSettings;
import io.raybridge.pipeline.ConsumerException;
import io.raybridge.pipeline.Processor;
import io.raybridge.pipeline.Traces;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class ProcessorsTest {

  private final ApiFixtures.Telemetry telemetry = new ApiFixtures.Telemetry();
  private final ComponentSettings settings =
      ApiFixtures.settings(
          ComponentKind.PROCESSOR,
          "keep_first",
          telemetry,
          new ApiFixtures.CapturingLogger(),
          Clock.systemUTC());
  private final List<Traces> received = new ArrayList<>();

  @Test
  void appliesTheFunctionAndForwardsTheResult() throws Exception {
    Processor p =
        Processors.stateless(settings, received::add, t -> Traces.of(t.resourceSpans().get(0)));
    p.start();
    Traces in = Traces.of(resource("a", 2), resource("b", 3));
    p.consume(in);
    p.shutdown(Duration.ofSeconds(1));

    assertThat(received).containsExactly(Traces.of(in.resourceSpans().get(0)));
    assertThat(telemetry.value("otelcol_processor_incoming_items")).isEqualTo(5);
    assertThat(telemetry.value("otelcol_processor_outgoing_items")).isEqualTo(2);
  }

  @Test
  void doesNotForwardAnEmptyResult() {
    Processor p = Processors.stateless(settings, received::add, t -> Traces.empty());
    p.consume(traces(3));
    assertThat(received).isEmpty();
    assertThat(telemetry.value("otelcol_processor_incoming_items")).isEqualTo(3);
    assertThat(telemetry.value("otelcol_processor_outgoing_items")).isZero();
  }

  @Test
  void propagatesDownstreamErrorsUnchanged() {
    ConsumerException full = ConsumerException.retryable("full");
    Processor p =
        Processors.stateless(
            settings,
            t -> {
              throw full;
            },
            t -> t);
    assertThatThrownBy(() -> p.consume(traces(1))).isSameAs(full);
    assertThat(telemetry.value("otelcol_processor_outgoing_items")).isZero();
  }

  @Test
  void propagatesTheFunctionsOwnRefusal() {
    ConsumerException bad = ConsumerException.permanent("bad");
    Processor p =
        Processors.stateless(
            settings,
            received::add,
            t -> {
              throw bad;
            });
    assertThatThrownBy(() -> p.consume(traces(1))).isSameAs(bad);
    assertThat(received).isEmpty();
  }

  @Test
  void statefulSubclassFlushesThroughForwardOnShutdown() {
    var p =
        new AbstractProcessor(settings, received::add) {
          private final List<Traces> held = new ArrayList<>();

          @Override
          protected synchronized void process(Traces traces) {
            held.add(traces);
          }

          @Override
          public synchronized void shutdown(Duration timeout) {
            forward(Traces.concat(held));
            held.clear();
          }
        };
    p.consume(traces(2));
    p.consume(traces(3));
    assertThat(received).isEmpty();
    p.shutdown(Duration.ofSeconds(1));
    p.shutdown(Duration.ofSeconds(1));
    assertThat(received).hasSize(1);
    assertThat(received.get(0).spanCount()).isEqualTo(5);
    assertThat(telemetry.value("otelcol_processor_outgoing_items")).isEqualTo(5);
  }
}
