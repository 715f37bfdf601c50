package io.raybridge.runtime.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.raybridge.pipeline.config.ConfigViolation;
import io.raybridge.pipeline.config.InvalidConfigException;
import io.raybridge.runtime.plugin.TestExporterFactory;
import io.raybridge.runtime.plugin.TestReceiverFactory;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ConfigBinderTest {

  @Test
  void bindsAnEmptySectionToTheDefaults() {
    assertThat(ConfigBinder.bind("", TestExporterFactory.Config.class))
        .isEqualTo(new TestExporterFactory.Config(null, null, null, null, null));
    assertThat(ConfigBinder.bind("{}", TestExporterFactory.Config.class).timeout())
        .isEqualTo(Duration.ofSeconds(5));
  }

  @Test
  void bindsEveryKindOfValue() {
    TestExporterFactory.Config config =
        ConfigBinder.bind(
            """
            endpoint: ${env:HOST}:4317
            timeout: 1.5s
            compression: none
            headers: { x-tenant: acme }
            retry_on_failure: { enabled: false, initial_interval: 100ms, max_interval: 1h30m }
            """,
            TestExporterFactory.Config.class,
            Map.of("HOST", "collector"));

    assertThat(config)
        .isEqualTo(
            new TestExporterFactory.Config(
                "collector:4317",
                Duration.ofMillis(1500),
                "none",
                Map.of("x-tenant", "acme"),
                new TestExporterFactory.Retry(
                    false, Duration.ofMillis(100), Duration.ofMinutes(90))));
  }

  @Test
  void reportsEveryViolationOfASectionWithPathsRelativeToIt() {
    List<String> violations =
        ConfigBinder.violations(
            """
            max_connections: 0
            tags: {a: b}
            routes:
              - name: a
                weight: -1
              - nmae: b
            """,
            TestReceiverFactory.Config.class);

    assertThat(violations)
        .containsExactly(
            "tags: expected a list, got a mapping",
            "routes[1].nmae: unknown key, did you mean 'name'?",
            "routes[0].weight: must be >= 0, was -1",
            "routes[1].name: must be set",
            "max_connections: must be between 1 and 1000, was 0");
  }

  @Test
  void throwsTheViolationsWhenBindingFails() {
    assertThatThrownBy(
            () -> ConfigBinder.bind("compression: zip", TestExporterFactory.Config.class))
        .isInstanceOfSatisfying(
            InvalidConfigException.class,
            e ->
                assertThat(e.violations())
                    .containsExactly(
                        new ConfigViolation("compression", "must be gzip or none, was 'zip'")));
  }

  @Test
  void reportsASectionThatIsNotAMapping() {
    assertThat(ConfigBinder.violations("[1, 2]", TestExporterFactory.Config.class))
        .containsExactly("expected a mapping, got a list");
  }
}
