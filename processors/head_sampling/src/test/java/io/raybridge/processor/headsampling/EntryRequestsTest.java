package io.raybridge.processor.headsampling;

import static io.raybridge.processor.headsampling.TestTraces.str;
import static org.assertj.core.api.Assertions.assertThat;

import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.resource.v1.Resource;
import io.opentelemetry.proto.trace.v1.Span;
import io.raybridge.xray.sampling.SamplingRequest;
import org.junit.jupiter.api.Test;

class EntryRequestsTest {

  @Test
  void readsCurrentHttpConventions() {
    Span span =
        Span.newBuilder()
            .addAttributes(str("http.request.method", "_OTHER"))
            .addAttributes(str("http.request.method_original", "PURGE"))
            .addAttributes(str("url.path", "/cache/1"))
            .addAttributes(str("server.address", "cdn.example.com"))
            .addAttributes(
                KeyValue.newBuilder()
                    .setKey("retries")
                    .setValue(AnyValue.newBuilder().setIntValue(3)))
            .build();
    SamplingRequest r = EntryRequests.from(TestTraces.resource("edge"), span);
    assertThat(r)
        .isEqualTo(
            new SamplingRequest(
                "edge",
                "AWS::ECS::Fargate",
                "cdn.example.com",
                "PURGE",
                "/cache/1",
                null,
                r.attributes()));
    assertThat(r.attributes()).containsEntry("retries", "3");
  }

  @Test
  void readsOlderHttpConventions() {
    Span span =
        Span.newBuilder()
            .addAttributes(str("http.method", "GET"))
            .addAttributes(str("http.target", "/health?full=1"))
            .addAttributes(str("http.host", "api.example.com"))
            .build();
    SamplingRequest r = EntryRequests.from(Resource.getDefaultInstance(), span);
    assertThat(r.httpMethod()).isEqualTo("GET");
    assertThat(r.urlPath()).isEqualTo("/health");
    assertThat(r.host()).isEqualTo("api.example.com");
    assertThat(r.serviceName()).isNull();
    assertThat(r.serviceType()).isNull();
  }

  @Test
  void derivesPathAndHostFromTheFullUrl() {
    Span span =
        Span.newBuilder()
            .addAttributes(str("url.full", "https://u:p@shop.example.com:8443/a/b?x#y"))
            .build();
    SamplingRequest r = EntryRequests.from(Resource.getDefaultInstance(), span);
    assertThat(r.urlPath()).isEqualTo("/a/b");
    assertThat(r.host()).isEqualTo("shop.example.com");
  }

  @Test
  void readsTheFirstOfRepeatedKeysAndLooksUpAnyOtherKey() {
    Span span =
        Span.newBuilder()
            .addAttributes(str("tenant", "acme"))
            .addAttributes(str("url.path", "/first"))
            .addAttributes(str("url.path", "/second"))
            .addAttributes(
                KeyValue.newBuilder()
                    .setKey("http.method")
                    .setValue(AnyValue.newBuilder().setIntValue(7)))
            .build();
    SamplingRequest r = EntryRequests.from(Resource.getDefaultInstance(), span);
    assertThat(r.urlPath()).isEqualTo("/first");
    assertThat(r.httpMethod()).isEqualTo("7");
    assertThat(r.host()).isNull();
    assertThat(r.attributes().get("tenant")).isEqualTo("acme");
    assertThat(r.attributes().get("server.address")).isNull();
    assertThat(r.attributes().get("absent")).isNull();
    assertThat(r.attributes().get(42)).isNull();
  }
}
