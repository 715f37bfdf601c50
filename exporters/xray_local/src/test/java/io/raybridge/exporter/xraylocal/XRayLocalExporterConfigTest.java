package io.raybridge.exporter.xraylocal;

import static org.assertj.core.api.Assertions.assertThat;

import io.raybridge.testing.ConfigFixtures;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class XRayLocalExporterConfigTest {

  @Test
  void emptyConfigHasTheDocumentedDefaults() {
    XRayLocalExporterConfig c = ConfigFixtures.bind(XRayLocalExporterConfig.class, "{}");
    assertThat(c.endpoint()).isEqualTo("127.0.0.1:2080");
    assertThat(c.maxBytes()).isEqualTo(256L * 1024 * 1024);
    assertThat(c.retention()).isEqualTo(Duration.ofHours(720));
    assertThat(c.storage().directory()).isNull();
    assertThat(c.auth().credentials()).isNull();
    assertThat(c.indexedAttributes()).isEmpty();
    assertThat(c.indexAllAttributes()).isFalse();
    assertThat(c).isEqualTo(XRayLocalExporterConfig.defaults());
  }

  @Test
  void bindsEveryKey() {
    XRayLocalExporterConfig c =
        ConfigFixtures.bind(
            XRayLocalExporterConfig.class,
            """
            endpoint: 0.0.0.0:3080
            max_bytes: 1048576
            retention: 24h
            storage: { directory: /var/lib/raybridge/xray }
            auth: { credentials: { access_key_id: AKID, secret_access_key: s3cr3t } }
            indexed_attributes: [customer.tier]
            index_all_attributes: true
            """);
    assertThat(c)
        .isEqualTo(
            new XRayLocalExporterConfig(
                "0.0.0.0:3080",
                1048576L,
                Duration.ofHours(24),
                new XRayLocalExporterConfig.Storage("/var/lib/raybridge/xray"),
                new XRayLocalExporterConfig.Auth(
                    new XRayLocalExporterConfig.Credentials("AKID", "s3cr3t")),
                List.of("customer.tier"),
                true));
    assertThat(c.xraySettings().indexedAttributes()).containsExactly("customer.tier");
    assertThat(c.xraySettings().indexAllAttributes()).isTrue();
    assertThat(c.auth().credentials().toString()).doesNotContain("s3cr3t");
  }

  @Test
  void reportsEveryViolationAtOnce() {
    assertThat(
            ConfigFixtures.violations(
                XRayLocalExporterConfig.class,
                """
                endpoint: localhost
                max_bytes: 0
                retention: 0s
                indexed_attributes: ['']
                """))
        .contains(
            "endpoint: must be host:port, was 'localhost' (no port)",
            "max_bytes: must be > 0, was 0",
            "retention: must be > 0, was 0s",
            "indexed_attributes[0]: must not be empty");
  }
}
