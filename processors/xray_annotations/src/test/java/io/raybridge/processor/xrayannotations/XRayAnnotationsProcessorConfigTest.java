package io.raybridge.processor.xrayannotations;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import io.raybridge.processor.xrayannotations.AnnotationRule.Source;
import io.raybridge.processor.xrayannotations.AnnotationRule.SpanKindName;
import io.raybridge.processor.xrayannotations.AnnotationRule.ValueType;
import io.raybridge.processor.xrayannotations.XRayAnnotationsProcessorConfig.KeySanitization;
import io.raybridge.processor.xrayannotations.XRayAnnotationsProcessorConfig.OnInvalid;
import io.raybridge.testing.ConfigFixtures;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class XRayAnnotationsProcessorConfigTest {

  @Test
  void bindsEveryKey() {
    XRayAnnotationsProcessorConfig c =
        ConfigFixtures.bind(
            XRayAnnotationsProcessorConfig.class,
            """
            rules:
              - key: customer.tier
                as: tier
                services: [cart, checkout]
                span_kinds: [server, consumer]
                type: string
                keep_as_metadata: true
              - key_glob: "app.*"
                strip_prefix: app.
                add_prefix: a_
                type: int
              - key_regex: "^deployment\\\\.(env|region)$"
                from: resource
                type: bool
              - key: http.response.status_code
                type: double
            metadata:
              namespaces:
                "app.": app
                "db.": database
              default: other
            max_annotations: 20
            key_sanitization: underscore
            on_invalid: drop
            explain: true
            """);
    Map<String, String> namespaces = new LinkedHashMap<>();
    namespaces.put("app.", "app");
    namespaces.put("db.", "database");
    assertThat(c)
        .isEqualTo(
            new XRayAnnotationsProcessorConfig(
                List.of(
                    new AnnotationRule(
                        "customer.tier",
                        null,
                        null,
                        List.of("cart", "checkout"),
                        List.of(SpanKindName.SERVER, SpanKindName.CONSUMER),
                        Source.SPAN,
                        "tier",
                        null,
                        null,
                        ValueType.STRING,
                        true),
                    new AnnotationRule(
                        null,
                        "app.*",
                        null,
                        List.of(),
                        List.of(),
                        Source.SPAN,
                        null,
                        "app.",
                        "a_",
                        ValueType.INT,
                        false),
                    new AnnotationRule(
                        null,
                        null,
                        "^deployment\\.(env|region)$",
                        List.of(),
                        List.of(),
                        Source.RESOURCE,
                        null,
                        null,
                        null,
                        ValueType.BOOL,
                        false),
                    new AnnotationRule(
                        "http.response.status_code",
                        null,
                        null,
                        List.of(),
                        List.of(),
                        Source.SPAN,
                        null,
                        null,
                        null,
                        ValueType.DOUBLE,
                        false)),
                new MetadataRouting(namespaces, "other"),
                20,
                KeySanitization.UNDERSCORE,
                OnInvalid.DROP,
                true));
  }

  @Test
  void emptyConfigBindsToTheDefaults() {
    assertThat(ConfigFixtures.bind(XRayAnnotationsProcessorConfig.class, "{}"))
        .isEqualTo(
            new XRayAnnotationsProcessorConfig(
                List.of(),
                new MetadataRouting(Map.of(), "default"),
                50,
                KeySanitization.KEEP_DOTS,
                OnInvalid.METADATA,
                false))
        .isEqualTo(XRayAnnotationsProcessorConfig.defaults());
  }

  @Test
  void aRuleWithOnlyAKeyGetsTheRuleDefaults() {
    XRayAnnotationsProcessorConfig c =
        ConfigFixtures.bind(XRayAnnotationsProcessorConfig.class, "rules: [{key: tenant}]");
    assertThat(c.rules())
        .containsExactly(
            new AnnotationRule(
                "tenant",
                null,
                null,
                List.of(),
                List.of(),
                Source.SPAN,
                null,
                null,
                null,
                null,
                false))
        .containsExactly(AnnotationRule.ofKey("tenant"));
  }

  @Test
  void namesTheRuleAndPositionOfABadRegex() {
    assertThat(
            ConfigFixtures.violations(
                XRayAnnotationsProcessorConfig.class,
                """
                rules:
                  - key: a
                  - key_regex: "app\\\\.(tier"
                """))
        .containsExactly(
            "rules[1].key_regex: invalid regular expression \"app\\.(tier\": Unclosed group at"
                + " index 10");
  }

  @Test
  void rejectsTwoRulesRenamingToTheSameAnnotationKey() {
    assertThat(
            ConfigFixtures.violations(
                XRayAnnotationsProcessorConfig.class,
                """
                rules:
                  - key: customer.tier
                    as: tier
                  - key: account.tier
                    as: tier
                  - key: plan
                    as: tier
                    services: [billing]
                """))
        .containsExactly(
            "rules[1].as: annotation key (tier) is already produced by rules[0] for the same spans;"
                + " give each rule its own annotation key or limit them to different services or"
                + " span_kinds",
            "rules[2].as: annotation key (tier) is already produced by rules[0] for the same spans;"
                + " give each rule its own annotation key or limit them to different services or"
                + " span_kinds");
  }

  @Test
  void renamesThatOnlyCollideAfterSanitizationConflictToo() {
    assertThat(
            ConfigFixtures.violations(
                XRayAnnotationsProcessorConfig.class,
                """
                key_sanitization: underscore
                rules:
                  - {key: a.b}
                  - {key: x, as: a_b}
                """))
        .containsExactly(
            "rules[1].as: annotation key (a_b) is already produced by rules[0] for the same spans;"
                + " give each rule its own annotation key or limit them to different services or"
                + " span_kinds");
  }

  @Test
  void allowsTheSameRenameForDisjointServicesOrKinds() {
    assertThat(
            ConfigFixtures.violations(
                XRayAnnotationsProcessorConfig.class,
                """
                rules:
                  - {key: customer.tier, as: tier, services: [cart], span_kinds: [server]}
                  - {key: account.tier, as: tier, services: [billing]}
                  - {key: plan.tier, as: tier, services: [cart], span_kinds: [client]}
                  - {key: x.tier, as: tier, services: [cart], span_kinds: [server]}
                """))
        .containsExactly(
            "rules[3].as: annotation key (tier) is already produced by rules[0] for the same spans;"
                + " give each rule its own annotation key or limit them to different services or"
                + " span_kinds");
  }

  @Test
  void rejectsAsWithAGlobOrARegex() {
    assertThat(
            ConfigFixtures.violations(
                XRayAnnotationsProcessorConfig.class,
                """
                rules:
                  - {key_glob: "app.*", as: app}
                  - {key_regex: "^app", as: app}
                """))
        .containsExactly(
            "rules[0].as: (app) renames a single attribute and needs an exact key; with key_glob"
                + " use strip_prefix or add_prefix",
            "rules[1].as: (app) renames a single attribute and needs an exact key; with key_regex"
                + " use strip_prefix or add_prefix");
  }

  @Test
  void rejectsANegativeOrTooLargeBudget() {
    assertThat(
            ConfigFixtures.violations(XRayAnnotationsProcessorConfig.class, "max_annotations: -1"))
        .containsExactly("max_annotations: (-1) must be >= 0");
    assertThat(
            ConfigFixtures.violations(XRayAnnotationsProcessorConfig.class, "max_annotations: 51"))
        .containsExactly(
            "max_annotations: (51) must be <= 50, the number of annotations X-Ray indexes");
  }

  @Test
  void requiresExactlyOneSelectorPerRule() {
    assertThat(
            ConfigFixtures.violations(
                XRayAnnotationsProcessorConfig.class,
                """
                rules:
                  - {key: a, key_glob: "a*"}
                  - {key: a, key_glob: "a*", key_regex: "a.*"}
                  - {type: int}
                """))
        .containsExactly(
            "rules[0]: only one of key, key_glob or key_regex may be set, found key (a) and"
                + " key_glob (a*)",
            "rules[1]: only one of key, key_glob or key_regex may be set, found key (a) and"
                + " key_glob (a*) and key_regex (a.*)",
            "rules[2]: one of key, key_glob or key_regex is required");
  }

  @Test
  void reportsEveryOtherProblemAtOnce() {
    assertThat(
            ConfigFixtures.violations(
                XRayAnnotationsProcessorConfig.class,
                """
                rules:
                  - {key: "", as: "", strip_prefix: "", add_prefix: ""}
                  - {key: a, as: b, strip_prefix: x., services: [""]}
                metadata:
                  namespaces: {"aws.": AWS.sdk, "": x}
                  default: ""
                """))
        .containsExactly(
            "rules[0].key: must not be empty",
            "rules[0].as: must not be empty",
            "rules[0].as: cannot be combined with strip_prefix or add_prefix",
            "rules[0].strip_prefix: must not be empty",
            "rules[0].add_prefix: must not be empty",
            "rules[1].as: cannot be combined with strip_prefix or add_prefix",
            "rules[1].services: must not contain empty names",
            "metadata.namespaces.aws.: (AWS.sdk) starts with AWS., which X-Ray reserves for AWS SDKs"
                + " and clients",
            "metadata.namespaces: prefixes must not be empty",
            "metadata.default: the namespace must not be empty");
  }

  @Test
  void rejectsUnknownEnumValues() {
    assertThat(
            ConfigFixtures.violations(
                XRayAnnotationsProcessorConfig.class,
                "rules: [{key: a, type: long, from: trace, span_kinds: [sever]}]"))
        .isNotEmpty()
        .allSatisfy(m -> assertThat(m).startsWith("rules[0]."));
    assertThat(
            ConfigFixtures.violations(
                XRayAnnotationsProcessorConfig.class, "on_invalid: ignore\nkey_sanitization: x"))
        .hasSize(2);
  }

  @Test
  void theConfigExampleBinds() throws Exception {
    Path example =
        Path.of(System.getProperty("user.dir"), "../../config-examples/xray-annotations.yaml");
    JsonNode root = new YAMLMapper().readTree(example.toFile());
    JsonNode section = root.path("processors").path("xray_annotations");
    assertThat(section.isObject()).as("processors.xray_annotations in %s", example).isTrue();
    XRayAnnotationsProcessorConfig c =
        ConfigFixtures.bind(XRayAnnotationsProcessorConfig.class, section.toString());
    assertThat(c.rules()).isNotEmpty();
    assertThat(root.at("/service/pipelines/traces/processors").toString())
        .contains("xray_annotations");
  }
}
