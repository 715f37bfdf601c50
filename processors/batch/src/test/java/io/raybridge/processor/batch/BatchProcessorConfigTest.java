package io.raybridge.processor.batch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import io.raybridge.pipeline.config.InvalidConfigException;
import io.raybridge.testing.ConfigFixtures;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class BatchProcessorConfigTest {

  @Test
  void fixtureBindsToTheFullySpelledOutRecord() throws IOException {
    String yaml;
    try (InputStream in = getClass().getResourceAsStream("/config.yaml")) {
      yaml = new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
    assertThat(ConfigFixtures.bind(BatchProcessorConfig.class, yaml))
        .isEqualTo(
            new BatchProcessorConfig(
                1000,
                1500,
                1_048_576,
                Duration.ofSeconds(5),
                List.of("tenant", "deployment.environment"),
                50));
  }

  @Test
  void emptyConfigBindsToTheCollectorDefaults() {
    BatchProcessorConfig c = ConfigFixtures.bind(BatchProcessorConfig.class, "{}");
    assertThat(c).isEqualTo(BatchProcessorConfig.defaults());
    assertThat(c.sendBatchSize()).isEqualTo(8192);
    assertThat(c.sendBatchMaxSize()).isZero();
    assertThat(c.sendBatchMaxSizeBytes()).isEqualTo(4 * 1024 * 1024);
    assertThat(c.timeout()).isEqualTo(Duration.ofMillis(200));
    assertThat(c.metadataKeys()).isEmpty();
    assertThat(c.metadataCardinalityLimit()).isEqualTo(1000);
  }

  @Test
  void zeroesMeanNoLimitAndSendImmediately() {
    BatchProcessorConfig c =
        ConfigFixtures.bind(
            BatchProcessorConfig.class,
            """
            send_batch_size: 0
            send_batch_max_size: 0
            send_batch_max_size_bytes: 0
            timeout: 0s
            """);
    assertThat(c).isEqualTo(new BatchProcessorConfig(0, 0, 0, Duration.ZERO, List.of(), 1000));
  }

  @Test
  void rejectsMaxSizeBelowSendBatchSize() {
    assertThat(
            ConfigFixtures.violations(
                BatchProcessorConfig.class,
                """
                send_batch_size: 1000
                send_batch_max_size: 100
                """))
        .containsExactly(
            "send_batch_max_size: send_batch_max_size (100) must be >= send_batch_size (1000)");
  }

  @Test
  void maxSizeBelowTheDefaultSendBatchSizeIsRejectedToo() {
    assertThat(ConfigFixtures.violations(BatchProcessorConfig.class, "send_batch_max_size: 100"))
        .containsExactly(
            "send_batch_max_size: send_batch_max_size (100) must be >= send_batch_size (8192)");
  }

  @Test
  void reportsEveryNegativeValueAtOnce() {
    assertThat(
            ConfigFixtures.violations(
                BatchProcessorConfig.class,
                """
                send_batch_size: -1
                send_batch_max_size: -2
                send_batch_max_size_bytes: -3
                metadata_cardinality_limit: 0
                """))
        .containsExactlyInAnyOrder(
            "send_batch_size: send_batch_size (-1) must be >= 0",
            "send_batch_max_size: send_batch_max_size (-2) must be >= 0",
            "send_batch_max_size_bytes: send_batch_max_size_bytes (-3) must be >= 0",
            "metadata_cardinality_limit: metadata_cardinality_limit (0) must be >= 1");
  }

  @Test
  void rejectsANegativeTimeout() {
    // YAML cannot spell a negative duration; a record built in code still gets the check.
    assertThatThrownBy(
            () -> new BatchProcessorConfig(null, null, null, Duration.ofSeconds(-1), null, null))
        .isInstanceOf(InvalidConfigException.class)
        .hasMessage("timeout: timeout (-1s) must be >= 0s");
  }

  @Test
  void rejectsEmptyAndDuplicateMetadataKeys() {
    assertThat(
            ConfigFixtures.violations(
                BatchProcessorConfig.class, "metadata_keys: [tenant, '', tenant]"))
        .containsExactly(
            "metadata_keys[1]: metadata key must not be empty",
            "metadata_keys[2]: duplicate metadata key 'tenant'");
  }

  @Test
  void rejectsUnknownKeys() {
    assertThat(ConfigFixtures.violations(BatchProcessorConfig.class, "send_batch_sise: 10"))
        .singleElement()
        .asString()
        .contains("send_batch_sise")
        .contains("send_batch_size");
  }

  @Test
  void configExampleBindsToAValidConfig() throws IOException {
    Path example = Path.of(System.getProperty("user.dir"), "../../config-examples/batch.yaml");
    JsonNode root = new YAMLMapper().readTree(example.toFile());
    JsonNode section = root.path("processors").path("batch");
    assertThat(section.isObject()).as("processors.batch in %s", example).isTrue();
    BatchProcessorConfig c = ConfigFixtures.bind(BatchProcessorConfig.class, section.toString());
    assertThat(c.sendBatchMaxSize()).isGreaterThanOrEqualTo(c.sendBatchSize());
    assertThat(root.at("/service/pipelines/traces/processors").toString()).contains("batch");
  }
}
