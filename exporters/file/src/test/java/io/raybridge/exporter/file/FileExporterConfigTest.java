package io.raybridge.exporter.file;

import static org.assertj.core.api.Assertions.assertThat;

import io.raybridge.exporter.file.FileExporterConfig.FileCompression;
import io.raybridge.exporter.file.FileExporterConfig.Format;
import io.raybridge.exporter.file.FileExporterConfig.GroupByConfig;
import io.raybridge.exporter.file.FileExporterConfig.RotationConfig;
import io.raybridge.pipeline.exporter.QueueConfig;
import io.raybridge.pipeline.exporter.RetryConfig;
import io.raybridge.testing.ConfigFixtures;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class FileExporterConfigTest {

  @Test
  void bindsEveryKey() throws Exception {
    String yaml =
        new String(
            FileExporterConfigTest.class.getResourceAsStream("/config.yaml").readAllBytes(),
            java.nio.charset.StandardCharsets.UTF_8);
    FileExporterConfig c = ConfigFixtures.bind(FileExporterConfig.class, yaml);
    assertThat(c)
        .isEqualTo(
            new FileExporterConfig(
                "/var/log/raybridge/traces-*.json.zst",
                Format.XRAY_JSON,
                FileCompression.ZSTD,
                null,
                Duration.ofMillis(200),
                false,
                new GroupByConfig(true, "service.name", 10),
                new QueueConfig(null, 1, null, null, null, null),
                new RetryConfig(null, Duration.ofSeconds(1), null, null, null, null)));
  }

  @Test
  void bindsRotationWithItsDefaultsAndTheCollectorFormatNames() {
    FileExporterConfig c =
        ConfigFixtures.bind(
            FileExporterConfig.class,
            """
            path: traces.pb
            format: proto
            rotation:
              max_backups: 3
            """);
    assertThat(c.format()).isEqualTo(Format.OTLP_PROTO);
    assertThat(c.rotation()).isEqualTo(new RotationConfig(100, 0, 3, false));
    assertThat(ConfigFixtures.bind(FileExporterConfig.class, "format: json").format())
        .isEqualTo(Format.OTLP_JSON);
  }

  @Test
  void emptyConfigGivesTheDefaults() {
    FileExporterConfig c = ConfigFixtures.bind(FileExporterConfig.class, "{}");
    assertThat(c.path()).isEqualTo("raybridge-traces.json");
    assertThat(c.format()).isEqualTo(Format.OTLP_JSON);
    assertThat(c.compression()).isEqualTo(FileCompression.NONE);
    assertThat(c.rotation()).isNull();
    assertThat(c.flushInterval()).isEqualTo(Duration.ofSeconds(1));
    assertThat(c.groupBy()).isEqualTo(new GroupByConfig(false, "fileexporter.path_segment", 100));
  }

  @Test
  void reportsEveryProblemWithItsPath() {
    assertThat(
            ConfigFixtures.violations(
                FileExporterConfig.class,
                """
                path: traces.json
                append: true
                compression: gzip
                group_by:
                  enabled: true
                """))
        .containsExactlyInAnyOrder(
            "append: append and compression (gzip) cannot be combined",
            "path: must contain exactly one * when group_by is enabled, was 'traces.json'");
  }

  @Test
  void rejectsBadRotationAndGroupLimits() {
    assertThat(
            ConfigFixtures.violations(
                FileExporterConfig.class,
                """
                rotation:
                  max_megabytes: 0
                  max_backups: -1
                """))
        .containsExactlyInAnyOrder(
            "rotation.max_megabytes: must be >= 1, was 0",
            "rotation.max_backups: must be >= 0, was -1");
    assertThat(
            ConfigFixtures.violations(
                FileExporterConfig.class, "path: '*.json'\ngroup_by: {enabled: true}"))
        .containsExactly("path: must not start with * when group_by is enabled");
    assertThat(
            ConfigFixtures.violations(
                FileExporterConfig.class, "append: true\nrotation: {max_backups: 1}"))
        .containsExactly("append: append and rotation cannot be combined");
  }

  @Test
  void rejectsAnUnknownFormatWithTheChoices() {
    assertThat(ConfigFixtures.violations(FileExporterConfig.class, "format: csv"))
        .singleElement()
        .asString()
        .startsWith("format:")
        .contains("csv");
  }
}
