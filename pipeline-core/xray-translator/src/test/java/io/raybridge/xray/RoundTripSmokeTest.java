package io.raybridge.xray;

import static org.assertj.core.api.Assertions.assertThat;

import io.opentelemetry.proto.trace.v1.ResourceSpans;
import java.util.List;
import org.junit.jupiter.api.Test;

class RoundTripSmokeTest {
  static final String RICH =
      """
      {"name":"web","id":"70de5b6f19ff9a0a","trace_id":"1-581cf771-a006649127e371903a2de979",
       "start_time":1478293361.271,"end_time":1478293361.449,"origin":"AWS::EC2::Instance",
       "user":"alice","service":{"version":"1.2.3"},
       "http":{"request":{"method":"GET","url":"http://example.com/","client_ip":"1.2.3.4","x_forwarded_for":true,"user_agent":"curl"},
               "response":{"status":500,"content_length":"12"}},
       "aws":{"account_id":"123456789012","ec2":{"instance_id":"i-1","availability_zone":"us-east-1a"},
              "xray":{"sdk":"X-Ray for Java","sdk_version":"2.4.0"},"cloudwatch_logs":[{"log_group":"g1","arn":"arn:x"}],
              "function_arn":"arn:aws:lambda:x"},
       "fault":true,
       "cause":{"working_directory":"/app","exceptions":[{"id":"0123456789abcdef","message":"boom","type":"IOException",
                 "stack":[{"path":"A.java","line":3,"label":"a.B.c"}]}]},
       "annotations":{"k1":"v","k2":3,"k3":2.5,"k4":true,"http.request.method":"x"},
       "metadata":{"default":{"a":[1,2,{"b":null}]},"ns":{"x":"y"}},
       "mystery":{"deep":1},
       "subsegments":[{"name":"DynamoDB","id":"1111111111111111","start_time":1478293361.3,"end_time":1478293361.4,
          "namespace":"aws","aws":{"operation":"GetItem","table_name":"t","region":"us-east-1","retries":1},
          "http":{"response":{"status":200}},
          "subsegments":[{"name":"inner","id":"2222222222222222","start_time":1478293361.31,"in_progress":true,"precursor_ids":["1111111111111112"]}]},
          {"name":"db","id":"3333333333333333","start_time":1478293361.35,"end_time":1478293361.36,"namespace":"remote",
           "sql":{"url":"jdbc:postgresql://h/db","sanitized_query":"select 1","database_type":"PostgreSQL","preparation":"statement"},
           "cause":"0123456789abcdef"}]}
      """;

  @Test
  void richDocumentSurvivesRoundTrip() {
    List<ResourceSpans> rs =
        SegmentToSpan.convert(RICH.getBytes(java.nio.charset.StandardCharsets.UTF_8));
    assertThat(rs.get(0).getScopeSpans(0).getSpansCount()).isEqualTo(4);
    List<String> docs = new SpanToSegment(XRaySettings.DEFAULTS).convert(rs.get(0));
    assertThat(docs).hasSize(1);
    assertThat(JsonTestSupport.canonicalString(docs.get(0)))
        .isEqualTo(JsonTestSupport.canonicalString(RICH));
  }
}
