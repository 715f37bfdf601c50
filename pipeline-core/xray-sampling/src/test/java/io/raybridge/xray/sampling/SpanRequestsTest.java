package io.raybridge.xray.sampling;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;

class SpanRequestsTest {

  @Test
  void prefersCurrentConventionsAndFallsBackToOlderOnes() {
    SamplingRequest r =
        SpanRequests.fromAttributes(
            Map.of("service.name", "svc"),
            Map.of(
                "http.request.method", "GET",
                "http.method", "POST",
                "url.path", "/new",
                "http.target", "/old?q",
                "server.address", "new.example.com",
                "http.host", "old.example.com"));
    assertThat(r)
        .isEqualTo(
            new SamplingRequest(
                "svc", null, "new.example.com", "GET", "/new", null, r.attributes()));
    SamplingRequest old =
        SpanRequests.fromAttributes(
            Map.of("cloud.resource_id", "arn:aws:lambda:eu-west-1:1:function:f"),
            Map.of("http.method", "POST", "http.url", "http://h.example.com:8080?x=1"));
    assertThat(old.urlPath()).isEqualTo("/");
    assertThat(old.host()).isEqualTo("h.example.com");
    assertThat(old.resourceArn()).isEqualTo("arn:aws:lambda:eu-west-1:1:function:f");
  }

  @Test
  void parsesPathAndHostOfUrls() {
    assertThat(SpanRequests.pathOf("http://h.example.com")).isEqualTo("/");
    assertThat(SpanRequests.pathOf("https://h/a/b?c#d")).isEqualTo("/a/b");
    assertThat(SpanRequests.hostOf("http://[::1]:80/x")).isEqualTo("[::1]");
    assertThat(SpanRequests.hostOf("https://u:p@shop.example.com:8443/a"))
        .isEqualTo("shop.example.com");
    assertThat(SpanRequests.hostOf("/relative/path")).isNull();
  }

  @Test
  void mapsCloudPlatformToTheXrayOrigin() {
    assertThat(SpanRequests.origin(Map.of("cloud.platform", "aws_ec2")))
        .isEqualTo("AWS::EC2::Instance");
    assertThat(SpanRequests.origin(Map.of("cloud.platform", "aws_eks")))
        .isEqualTo("AWS::EKS::Container");
    assertThat(SpanRequests.origin(Map.of("cloud.platform", "aws_ecs")))
        .isEqualTo("AWS::ECS::Container");
    assertThat(
            SpanRequests.origin(Map.of("cloud.platform", "aws_ecs", "aws.ecs.launchtype", "ec2")))
        .isEqualTo("AWS::ECS::EC2");
    assertThat(SpanRequests.origin(Map.of("cloud.platform", "aws_elastic_beanstalk")))
        .isEqualTo("AWS::ElasticBeanstalk::Environment");
    assertThat(SpanRequests.origin(Map.of("cloud.platform", "aws_lambda")))
        .isEqualTo("AWS::Lambda::Function");
    assertThat(SpanRequests.origin(Map.of("cloud.platform", "aws_app_runner")))
        .isEqualTo("AWS::AppRunner::Service");
    assertThat(SpanRequests.origin(Map.of("cloud.provider", "gcp", "cloud.platform", "aws_ec2")))
        .isNull();
    assertThat(SpanRequests.origin(Map.of())).isNull();
  }
}
