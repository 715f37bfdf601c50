package io.raybridge.processor.memorylimiter;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import io.raybridge.testing.ConfigFixtures;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class MemoryLimiterProcessorConfigTest {

  private static final Class<MemoryLimiterProcessorConfig> TYPE =
      MemoryLimiterProcessorConfig.class;

  @Test
  void fixtureBindsToTheFullySpelledOutRecord() throws IOException {
    String yaml;
    try (InputStream in = getClass().getResourceAsStream("/config.yaml")) {
      yaml = new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
    assertThat(ConfigFixtures.bind(TYPE, yaml))
        .isEqualTo(
            new MemoryLimiterProcessorConfig(
                Duration.ofSeconds(2),
                4000L,
                800L,
                0,
                0,
                Duration.ofSeconds(30),
                Duration.ofSeconds(1)));
  }

  @Test
  void percentagesBindAndLeaveTheMibKeysUnset() {
    assertThat(
            ConfigFixtures.bind(
                TYPE,
                """
                check_interval: 500ms
                limit_percentage: 75
                spike_limit_percentage: 15
                """))
        .isEqualTo(
            new MemoryLimiterProcessorConfig(
                Duration.ofMillis(500), 0L, 0L, 75, 15, Duration.ofSeconds(10), Duration.ZERO));
  }

  @Test
  void emptyConfigLimitsTheHeapToEightyPercentCheckedEverySecond() {
    MemoryLimiterProcessorConfig c = ConfigFixtures.bind(TYPE, "{}");
    assertThat(c).isEqualTo(MemoryLimiterProcessorConfig.defaults());
    assertThat(c)
        .isEqualTo(
            new MemoryLimiterProcessorConfig(
                Duration.ofSeconds(1), 0L, 0L, 80, 0, Duration.ofSeconds(10), Duration.ZERO));
  }

  @Test
  void rejectsAZeroCheckInterval() {
    assertThat(ConfigFixtures.violations(TYPE, "check_interval: 0s"))
        .containsExactly("check_interval: check_interval (0s) must be > 0s");
  }

  @Test
  void rejectsBothLimitsAtOnce() {
    assertThat(
            ConfigFixtures.violations(
                TYPE,
                """
                limit_mib: 4000
                limit_percentage: 80
                """))
        .containsExactly(
            "limit_mib: set either limit_mib (4000) or limit_percentage (80), not both");
  }

  @Test
  void rejectsNoLimitAtAll() {
    assertThat(ConfigFixtures.violations(TYPE, "limit_percentage: 0"))
        .containsExactly("limit_mib: one of limit_mib or limit_percentage must be > 0");
  }

  @Test
  void rejectsASpikeLimitThatIsNotBelowTheLimit() {
    assertThat(
            ConfigFixtures.violations(
                TYPE,
                """
                limit_mib: 400
                spike_limit_mib: 400
                """))
        .containsExactly("spike_limit_mib: spike_limit_mib (400) must be < limit_mib (400)");
    assertThat(
            ConfigFixtures.violations(
                TYPE,
                """
                limit_percentage: 50
                spike_limit_percentage: 60
                """))
        .containsExactly(
            "spike_limit_percentage: spike_limit_percentage (60) must be < limit_percentage (50)");
  }

  @Test
  void rejectsASpikeLimitOfTheOtherKind() {
    assertThat(
            ConfigFixtures.violations(
                TYPE,
                """
                limit_mib: 400
                spike_limit_percentage: 10
                """))
        .containsExactly(
            "spike_limit_percentage: spike_limit_percentage (10) goes with limit_percentage; with"
                + " limit_mib use spike_limit_mib");
    assertThat(ConfigFixtures.violations(TYPE, "spike_limit_mib: 100"))
        .containsExactly(
            "spike_limit_mib: spike_limit_mib (100) goes with limit_mib; with limit_percentage use"
                + " spike_limit_percentage");
  }

  @Test
  void reportsEveryOutOfRangeValueAtOnce() {
    assertThat(
            ConfigFixtures.violations(
                TYPE,
                """
                check_interval: 0s
                limit_percentage: 120
                spike_limit_percentage: 101
                """))
        .containsExactlyInAnyOrder(
            "check_interval: check_interval (0s) must be > 0s",
            "limit_percentage: limit_percentage (120) must be between 0 and 100",
            "spike_limit_percentage: spike_limit_percentage (101) must be between 0 and 100");
    assertThat(ConfigFixtures.violations(TYPE, "limit_mib: -1"))
        .containsExactly(
            "limit_mib: limit_mib (-1) must be >= 0",
            "limit_mib: one of limit_mib or limit_percentage must be > 0");
  }

  @Test
  void configExampleBindsToAValidConfig() throws IOException {
    Path example =
        Path.of(System.getProperty("user.dir"), "../../config-examples/memory-limiter.yaml");
    JsonNode root = new YAMLMapper().readTree(example.toFile());
    JsonNode section = root.path("processors").path("memory_limiter");
    assertThat(section.isObject()).as("processors.memory_limiter in %s", example).isTrue();
    MemoryLimiterProcessorConfig c = ConfigFixtures.bind(TYPE, section.toString());
    assertThat(c.limitMib()).isPositive();
    assertThat(root.at("/service/pipelines/traces/processors/0").asText())
        .as("memory_limiter comes first")
        .isEqualTo("memory_limiter");
  }
}
