package io.raybridge.testing;

import static org.assertj.core.api.Assertions.assertThat;

import io.raybridge.pipeline.exporter.QueueConfig;
import io.raybridge.pipeline.exporter.QueueSizer;
import io.raybridge.pipeline.exporter.RetryConfig;
import io.raybridge.testing.sample.SampleExporterConfig;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** The exporter helper's config records bound from YAML through the runtime binder. */
class ExporterConfigBindingTest {

  @Test
  void bindsEveryHelperKey() {
    SampleExporterConfig c =
        ConfigFixtures.bind(
            SampleExporterConfig.class,
            """
            timeout: 2s
            retry_on_failure:
              enabled: true
              initial_interval: 100ms
              randomization_factor: 0.1
              multiplier: 2
              max_interval: 1s
              max_elapsed_time: 1m
            sending_queue:
              enabled: true
              num_consumers: 4
              queue_size: 5000
              sizer: items
              max_size_mib: 16
              block_on_overflow: true
            """);
    assertThat(c)
        .isEqualTo(
            new SampleExporterConfig(
                Duration.ofSeconds(2),
                new RetryConfig(
                    true,
                    Duration.ofMillis(100),
                    0.1,
                    2.0,
                    Duration.ofSeconds(1),
                    Duration.ofMinutes(1)),
                new QueueConfig(true, 4, 5000, QueueSizer.ITEMS, 16, true)));
  }

  @Test
  void emptySectionBindsToTheCollectorDefaults() {
    SampleExporterConfig c = ConfigFixtures.bind(SampleExporterConfig.class, "{}");
    assertThat(c.timeout()).isEqualTo(Duration.ofSeconds(5));
    assertThat(c.retryOnFailure()).isEqualTo(RetryConfig.defaults());
    assertThat(c.sendingQueue()).isEqualTo(QueueConfig.defaults());
    assertThat(ConfigFixtures.bind(SampleExporterConfig.class, "retry_on_failure: {}"))
        .isEqualTo(c);
  }

  @Test
  void reportsNestedViolationsWithTheirPath() {
    assertThat(
            ConfigFixtures.violations(
                SampleExporterConfig.class,
                """
                timeout: -1s
                retry_on_failure:
                  max_interval: 1s
                sending_queue:
                  num_consumers: 0
                """))
        .contains(
            "retry_on_failure.max_interval: max_interval (1s) must be >= initial_interval (5s)",
            "sending_queue.num_consumers: must be >= 1, was 0");
  }
}
