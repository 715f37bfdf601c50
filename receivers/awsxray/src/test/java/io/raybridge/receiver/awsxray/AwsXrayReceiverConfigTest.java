package io.raybridge.receiver.awsxray;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import io.raybridge.receiver.awsxray.AwsXrayReceiverConfig.Mode;
import io.raybridge.receiver.awsxray.AwsXrayReceiverConfig.ProxyServerConfig;
import io.raybridge.testing.ConfigFixtures;
import io.raybridge.xray.sampling.SamplingRule;
import io.raybridge.xray.sampling.SamplingRuleConfig;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class AwsXrayReceiverConfigTest {

  @Test
  void emptyConfigGivesTheDaemonDefaults() {
    AwsXrayReceiverConfig c = ConfigFixtures.bind(AwsXrayReceiverConfig.class, "{}");
    assertThat(c.endpoint()).isEqualTo("127.0.0.1:2000");
    assertThat(c.transport()).isEqualTo("udp");
    assertThat(c.udpReceiveBufferBytes()).isZero();
    assertThat(c.udpQueueMaxBytes()).isEqualTo(16 * 1024 * 1024);
    assertThat(c.proxyServer().endpoint()).isEqualTo("127.0.0.1:2000");
    assertThat(c.proxyServer().mode()).isEqualTo(Mode.PROXY);
    assertThat(c.proxyServer().serviceName()).isEqualTo("xray");
    assertThat(c.proxyServer().localMode()).isFalse();
    assertThat(c.proxyServer().rules()).isEmpty();
  }

  @Test
  void aFullySpelledOutProxyConfigBindsToTheExpectedRecord() {
    AwsXrayReceiverConfig c =
        ConfigFixtures.bind(
            AwsXrayReceiverConfig.class,
            """
            endpoint: 0.0.0.0:2001
            transport: udp
            udp_receive_buffer_bytes: 4194304
            udp_queue_max_bytes: 1048576
            proxy_server:
              endpoint: 0.0.0.0:2002
              mode: proxy
              region: eu-west-1
              role_arn: arn:aws:iam::123456789012:role/xray
              aws_endpoint: https://xray.eu-west-1.amazonaws.com
              proxy_address: http://proxy.internal:3128
              local_mode: true
              service_name: xray
            """);
    assertThat(c)
        .isEqualTo(
            new AwsXrayReceiverConfig(
                "0.0.0.0:2001",
                "udp",
                4194304,
                1048576,
                new ProxyServerConfig(
                    "0.0.0.0:2002",
                    Mode.PROXY,
                    "eu-west-1",
                    "arn:aws:iam::123456789012:role/xray",
                    "https://xray.eu-west-1.amazonaws.com",
                    "http://proxy.internal:3128",
                    true,
                    "xray",
                    List.of(),
                    null)));
  }

  @Test
  void localRulesBindInXRaySchemaAndGetTheDefaultRuleAdded() {
    AwsXrayReceiverConfig c =
        ConfigFixtures.bind(
            AwsXrayReceiverConfig.class,
            """
            proxy_server:
              mode: local
              rules:
                - rule_name: health
                  priority: 1
                  fixed_rate: 0
                  reservoir_size: 0
                  url_path: /health
                - rule_name: orders
                  priority: 10
                  fixed_rate: 0.5
                  reservoir_size: 5
                  service_name: orders-*
                  service_type: AWS::EC2::Instance
                  host: shop.example.com
                  http_method: POST
                  url_path: /orders/*
                  resource_arn: "*"
                  attributes: {tier: gold}
                  version: 1
            """);
    assertThat(c.proxyServer().mode()).isEqualTo(Mode.LOCAL);
    assertThat(c.proxyServer().rules().get(1))
        .isEqualTo(
            new SamplingRuleConfig(
                "orders",
                10,
                0.5,
                5,
                "orders-*",
                "AWS::EC2::Instance",
                "shop.example.com",
                "POST",
                "/orders/*",
                "*",
                Map.of("tier", "gold"),
                1));
    assertThat(c.proxyServer().inlineRules().rules())
        .extracting(SamplingRule::ruleName)
        .containsExactly("health", "orders", "Default");
    assertThat(c.proxyServer().inlineRules().defaultRule().fixedRate()).isEqualTo(0.05);
  }

  @Test
  void reportsEveryProblemWithItsPath() {
    assertThat(
            ConfigFixtures.violations(
                AwsXrayReceiverConfig.class,
                """
                endpoint: localhost
                transport: tcp
                udp_receive_buffer_bytes: -1
                udp_queue_max_bytes: 1000
                proxy_server:
                  endpoint: "127.0.0.1:99999"
                  aws_endpoint: xray.local
                  rules_file: rules.json
                """))
        .containsExactlyInAnyOrder(
            "endpoint: must be host:port, was 'localhost' (no port)",
            "transport: must be udp, was 'tcp' (X-Ray SDKs send segments over UDP only)",
            "udp_receive_buffer_bytes: must be >= 0, was -1",
            "udp_queue_max_bytes: must be >= 65536, was 1000",
            "proxy_server.endpoint: port must be between 0 and 65535, was 99999 in"
                + " '127.0.0.1:99999'",
            "proxy_server.aws_endpoint: must be an http:// or https:// URL with a host, was"
                + " 'xray.local'",
            "proxy_server.rules_file: is only used with mode: local");
  }

  @Test
  void reportsInvalidRulesInYamlTerms() {
    assertThat(
            ConfigFixtures.violations(
                AwsXrayReceiverConfig.class,
                """
                proxy_server:
                  mode: local
                  rules:
                    - rule_name: too-fast
                      priority: 0
                      fixed_rate: 1.5
                      reservoir_size: 1
                    - priority: 2
                """))
        .containsExactlyInAnyOrder(
            "proxy_server.rules[0].priority: must be between 1 and 9999, was 0",
            "proxy_server.rules[0].fixed_rate: must be between 0 and 1, was 1.5",
            "proxy_server.rules[1].rule_name: is required",
            "proxy_server.rules[1].fixed_rate: is required",
            "proxy_server.rules[1].reservoir_size: is required");
  }

  @Test
  void theConfigExampleBindsAndServesItsRules() throws Exception {
    Path example =
        Path.of(System.getProperty("user.dir"), "../../config-examples/xray-receiver.yaml");
    JsonNode root = new YAMLMapper().readTree(example.toFile());
    JsonNode section = root.path("receivers").path("awsxray");
    assertThat(section.isObject()).as("receivers.awsxray in %s", example).isTrue();

    AwsXrayReceiverConfig c = ConfigFixtures.bind(AwsXrayReceiverConfig.class, section.toString());

    assertThat(c.proxyServer().mode()).isEqualTo(Mode.LOCAL);
    assertThat(c.proxyServer().inlineRules().rules())
        .extracting(SamplingRule::ruleName)
        .containsExactly("health", "api", "Default");
    assertThat(root.at("/service/pipelines/traces/receivers").toString()).contains("awsxray");
    assertThat(root.at("/service/pipelines/traces/exporters").toString()).contains("debug");
  }

  @Test
  void refusesInlineRulesTogetherWithARuleFile() {
    assertThat(
            ConfigFixtures.violations(
                AwsXrayReceiverConfig.class,
                """
                proxy_server:
                  mode: local
                  rules_file: rules.json
                  rules:
                    - {rule_name: all, priority: 1, fixed_rate: 1, reservoir_size: 1}
                """))
        .containsExactly("proxy_server.rules_file: set either rules or rules_file, not both");
  }
}
