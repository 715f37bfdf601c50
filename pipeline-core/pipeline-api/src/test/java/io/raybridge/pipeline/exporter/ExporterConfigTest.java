package io.raybridge.pipeline.exporter;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.raybridge.pipeline.ConsumerException;
import io.raybridge.pipeline.config.ConfigViolation;
import io.raybridge.pipeline.config.InvalidConfigException;
import io.raybridge.pipeline.config.Violations;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class ExporterConfigTest {

  @Test
  void retryDefaultsAreTheCollectors() {
    RetryConfig r = RetryConfig.defaults();
    assertThat(r.enabled()).isTrue();
    assertThat(r.initialInterval()).isEqualTo(Duration.ofSeconds(5));
    assertThat(r.randomizationFactor()).isEqualTo(0.5);
    assertThat(r.multiplier()).isEqualTo(1.5);
    assertThat(r.maxInterval()).isEqualTo(Duration.ofSeconds(30));
    assertThat(r.maxElapsedTime()).isEqualTo(Duration.ofSeconds(300));
  }

  @Test
  void queueDefaultsAreTheCollectorsPlusAByteBound() {
    QueueConfig q = QueueConfig.defaults();
    assertThat(q.enabled()).isTrue();
    assertThat(q.numConsumers()).isEqualTo(10);
    assertThat(q.queueSize()).isEqualTo(1000);
    assertThat(q.sizer()).isEqualTo(QueueSizer.REQUESTS);
    assertThat(q.maxSizeMib()).isEqualTo(16);
    assertThat(q.maxSizeBytes()).isEqualTo(16L * 1024 * 1024);
    assertThat(q.blockOnOverflow()).isFalse();
  }

  @Test
  void reportsEveryRetryViolationAtOnce() {
    assertThatThrownBy(
            () ->
                new RetryConfig(
                    true, Duration.ZERO, 1.5, 0.5, Duration.ofMillis(-1), Duration.ofSeconds(-1)))
        .isInstanceOfSatisfying(
            InvalidConfigException.class,
            e ->
                assertThat(e.violations())
                    .extracting(ConfigViolation::toString)
                    .containsExactly(
                        "initial_interval: must be > 0, was 0s",
                        "randomization_factor: must be between 0 and 1, was 1.5",
                        "multiplier: must be >= 1, was 0.5",
                        "max_interval: max_interval (-1ms) must be >= initial_interval (0s)",
                        "max_elapsed_time: must be >= 0 (0 means no limit), was -1s"));
  }

  @Test
  void maxIntervalBelowInitialIntervalIsRejected() {
    assertThatThrownBy(() -> new RetryConfig(null, null, null, null, Duration.ofSeconds(1), null))
        .hasMessage("max_interval: max_interval (1s) must be >= initial_interval (5s)");
  }

  @Test
  void disabledRetryIsNotValidated() {
    RetryConfig r = new RetryConfig(false, Duration.ZERO, null, null, null, null);
    assertThat(r.enabled()).isFalse();
  }

  @Test
  void reportsEveryQueueViolationAtOnce() {
    assertThatThrownBy(() -> new QueueConfig(true, 0, 0, null, 0, null))
        .isInstanceOfSatisfying(
            InvalidConfigException.class,
            e ->
                assertThat(e.violations())
                    .extracting(ConfigViolation::toString)
                    .containsExactly(
                        "num_consumers: must be >= 1, was 0",
                        "queue_size: must be >= 1, was 0",
                        "max_size_mib: must be >= 1, was 0"));
  }

  @Test
  void timeoutHelpersFillTheDefaultAndValidate() {
    assertThat(ExporterHelper.timeoutOrDefault(null)).isEqualTo(Duration.ofSeconds(5));
    assertThat(ExporterHelper.timeoutOrDefault(Duration.ofMillis(250)))
        .isEqualTo(Duration.ofMillis(250));
    Violations v = new Violations();
    ExporterHelper.validateTimeout(v, Duration.ofSeconds(-2));
    ExporterHelper.validateTimeout(v, Duration.ZERO);
    assertThat(v.list())
        .extracting(ConfigViolation::toString)
        .containsExactly("timeout: must be >= 0 (0 means no limit), was -2s");
  }

  @Test
  void sizerMeasuresBatchesOrSpans() {
    var traces = io.raybridge.pipeline.ApiFixtures.traces(7);
    assertThat(QueueSizer.REQUESTS.sizeOf(traces)).isEqualTo(1);
    assertThat(QueueSizer.ITEMS.sizeOf(traces)).isEqualTo(7);
  }

  @Test
  void consumerExceptionClassifiesForeignFailuresAsPermanent() {
    assertThat(ConsumerException.from(new IllegalStateException("x")).isPermanent()).isTrue();
  }
}
