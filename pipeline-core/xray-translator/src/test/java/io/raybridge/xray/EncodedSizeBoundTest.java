package io.raybridge.xray;

import static org.assertj.core.api.Assertions.assertThat;

import io.opentelemetry.proto.trace.v1.ResourceSpans;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.function.IntFunction;
import org.junit.jupiter.api.Test;

/**
 * {@link SegmentToSpan#maxEncodedSize(int)}: the spans converted from a document never encode
 * larger than the bound, which lets a batch of unread documents be held to a byte limit.
 */
class EncodedSizeBoundTest {

  private static final String HEAD =
      "{\"trace_id\":\"1-5759e988-bd862e3fe1be46a994272793\",\"id\":\"70de5b6f19ff9a0b\","
          + "\"name\":\"a\",\"start_time\":1,\"end_time\":2";

  /** The encoded size over the document's size; fails if the bound does not hold. */
  private static double ratio(String document) {
    byte[] bytes = document.getBytes(StandardCharsets.UTF_8);
    ResourceSpans rs = SegmentToSpan.convert(bytes).get(0);
    assertThat(rs.getSerializedSize())
        .as("%s", document)
        .isLessThanOrEqualTo(SegmentToSpan.maxEncodedSize(bytes.length));
    return (double) rs.getSerializedSize() / bytes.length;
  }

  /** A document of {@code head} and {@code n} members made by {@code member}, in an object. */
  private static String repeated(String open, int n, IntFunction<String> member, String close) {
    StringBuilder sb = new StringBuilder(HEAD).append(open);
    for (int i = 0; i < n; i++) {
      sb.append(i == 0 ? "" : ",").append(member.apply(i));
    }
    return sb.append(close).append('}').toString();
  }

  @Test
  void generatedDocumentsCoveringEveryMemberStayWithinTheBound() {
    SegmentGenerator gen = new SegmentGenerator(20261207L);
    double worst = 0;
    for (int i = 0; i < 3000; i++) {
      worst = Math.max(worst, ratio(gen.document().toString()));
    }
    // Real documents encode to about their own size; the bound is far above.
    assertThat(worst).isLessThan(2.5);
  }

  @Test
  void documentsOfOnlyTheMembersThatGrowMostStayWithinTheBound() {
    List<String> keys = List.copyOf(SegmentToSpan.RESERVED);
    List<String> documents =
        List.of(
            HEAD + "}",
            HEAD.replace("\"end_time\":2", "\"in_progress\":true") + "}",
            // Reserved keys and aws.xray.* keys move under aws.xray.annotation.
            repeated(",\"annotations\":{", keys.size(), i -> "\"" + keys.get(i) + "\":0", "}"),
            repeated(",\"annotations\":{", 200, i -> "\"aws.xray." + i + "\":0", "}"),
            repeated(",\"annotations\":{", 26, i -> "\"" + (char) ('a' + i) + "\":0.5", "}"),
            repeated(",\"annotations\":{", 26, i -> "\"" + (char) ('a' + i) + "\":\"\"", "}"),
            // Each metadata namespace becomes an aws.xray.metadata.<namespace> attribute.
            repeated(",\"metadata\":{", 26, i -> "\"" + (char) ('a' + i) + "\":{}", "}"),
            repeated(",\"metadata\":{", 26, i -> "\"" + (char) ('a' + i) + "\":0", "}"),
            repeated(",\"metadata\":{", 200, i -> "\"" + i + "\":0", "}"),
            repeated(",", 200, i -> "\"x" + i + "\":0", ""),
            repeated(
                ",\"subsegments\":[",
                500,
                i -> String.format("{\"name\":\"b\",\"id\":\"%016x\",\"start_time\":1}", i + 1),
                "]"),
            repeated(
                ",\"subsegments\":[",
                200,
                i ->
                    String.format(
                        "{\"name\":\"b\",\"id\":\"%016x\",\"start_time\":1,\"namespace\":\"aws\","
                            + "\"error\":true,\"fault\":true,\"throttle\":true}",
                        i + 1),
                "]"),
            HEAD
                + ",\"error\":true,\"fault\":true,\"throttle\":true,\"namespace\":\"aws\","
                + "\"origin\":\"AWS::EC2::Instance\",\"user\":\"u\"}",
            HEAD
                + ",\"http\":{\"request\":{\"method\":\"G\",\"url\":\"u\",\"client_ip\":\"i\","
                + "\"user_agent\":\"a\",\"x_forwarded_for\":true,\"traced\":true},"
                + "\"response\":{\"status\":2,\"content_length\":1}}}",
            HEAD
                + ",\"cause\":{\"working_directory\":\"w\",\"exceptions\":[{\"id\":"
                + "\"0000000000000001\",\"message\":\"m\",\"type\":\"t\",\"remote\":true,"
                + "\"stack\":[{\"path\":\"p\",\"line\":1,\"label\":\"l\"}]}]}}",
            HEAD
                + ",\"aws\":{\"account_id\":\"1\",\"operation\":\"o\",\"region\":\"r\","
                + "\"request_id\":\"q\",\"table_name\":\"t\",\"ec2\":{\"instance_id\":\"i\","
                + "\"availability_zone\":\"z\"},\"ecs\":{\"container\":\"c\"},\"xray\":"
                + "{\"sdk\":\"s\",\"sdk_version\":\"v\"}},\"service\":{\"version\":\"1\"},"
                + "\"sql\":{\"url\":\"u\",\"user\":\"u\"}}");
    double worst = 0;
    for (String d : documents) {
      worst = Math.max(worst, ratio(d));
    }
    // The bound is not slack everywhere: the worst of these grows to more than twice its size.
    assertThat(worst).isGreaterThan(2.0);
  }
}
