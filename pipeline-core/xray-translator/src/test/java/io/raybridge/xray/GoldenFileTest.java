package io.raybridge.xray;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import io.opentelemetry.proto.trace.v1.ResourceSpans;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * Golden pairs under {@code src/test/resources/golden}: {@code xray-to-otel/NAME.segment.json} is
 * converted and compared with {@code NAME.otlp.json} (OTLP/JSON); {@code
 * otel-to-xray/NAME.otlp.json} is converted and compared with {@code NAME.segment.json} (an array
 * of documents). Run with {@code -Dgolden.update=true} to rewrite the expected files after a
 * deliberate change.
 */
class GoldenFileTest {
  private static final Path ROOT = Paths.get("src/test/resources/golden");
  private static final boolean UPDATE = Boolean.getBoolean("golden.update");

  private static List<Path> files(String dir, String suffix) throws IOException {
    try (Stream<Path> s = Files.list(ROOT.resolve(dir))) {
      return s.filter(p -> p.getFileName().toString().endsWith(suffix)).sorted().toList();
    }
  }

  private static String read(Path p) throws IOException {
    return Files.readString(p, StandardCharsets.UTF_8);
  }

  private static Path sibling(Path p, String from, String to) {
    String n = p.getFileName().toString();
    return p.resolveSibling(n.substring(0, n.length() - from.length()) + to);
  }

  private static void compareOrUpdate(Path expectedFile, String actual) throws IOException {
    if (UPDATE || !Files.exists(expectedFile)) {
      Files.writeString(expectedFile, actual + "\n", StandardCharsets.UTF_8);
    }
    assertThat(JsonTestSupport.canonical(JsonTestSupport.tree(actual)))
        .as(expectedFile.toString())
        .isEqualTo(JsonTestSupport.canonical(JsonTestSupport.tree(read(expectedFile))));
  }

  @Test
  void thereAreAtLeastFortyGoldenCases() throws IOException {
    assertThat(
            files("xray-to-otel", ".segment.json").size()
                + files("otel-to-xray", ".otlp.json").size())
        .isGreaterThanOrEqualTo(40);
  }

  @TestFactory
  Stream<DynamicTest> xrayDocumentsConvertToTheExpectedOtlp() throws IOException {
    return files("xray-to-otel", ".segment.json").stream()
        .map(
            p ->
                DynamicTest.dynamicTest(
                    p.getFileName().toString(),
                    () -> {
                      List<ResourceSpans> rs =
                          SegmentToSpan.convert(read(p).getBytes(StandardCharsets.UTF_8));
                      compareOrUpdate(
                          sibling(p, ".segment.json", ".otlp.json"),
                          JsonTestSupport.toOtlpJson(rs));
                    }));
  }

  @TestFactory
  Stream<DynamicTest> xrayDocumentsSurviveTheRoundTripThroughOtlp() throws IOException {
    SpanToSegment back = new SpanToSegment(XRaySettings.DEFAULTS);
    return files("xray-to-otel", ".segment.json").stream()
        .map(
            p ->
                DynamicTest.dynamicTest(
                    p.getFileName().toString(),
                    () -> {
                      String original = read(p);
                      // Through the OTLP/JSON text as well, as a file exporter would store it.
                      String otlp =
                          JsonTestSupport.toOtlpJson(
                              SegmentToSpan.convert(original.getBytes(StandardCharsets.UTF_8)));
                      List<String> docs = new ArrayList<>();
                      for (ResourceSpans rs : JsonTestSupport.fromOtlpJson(otlp)) {
                        docs.addAll(back.convert(rs));
                      }
                      assertThat(docs).hasSize(1);
                      assertThat(JsonTestSupport.canonical(JsonTestSupport.tree(docs.get(0))))
                          .isEqualTo(JsonTestSupport.canonical(JsonTestSupport.tree(original)));
                    }));
  }

  @TestFactory
  Stream<DynamicTest> otlpSpansConvertToTheExpectedDocuments() throws IOException {
    return files("otel-to-xray", ".otlp.json").stream()
        .map(
            p ->
                DynamicTest.dynamicTest(
                    p.getFileName().toString(),
                    () -> {
                      SpanToSegment convert = new SpanToSegment(XRaySettings.DEFAULTS);
                      ArrayNode docs = JsonNodeFactory.instance.arrayNode();
                      for (ResourceSpans rs : JsonTestSupport.fromOtlpJson(read(p))) {
                        for (String d : convert.convert(rs)) {
                          JsonNode tree = JsonTestSupport.tree(d);
                          docs.add(tree);
                          assertThat(d.getBytes(StandardCharsets.UTF_8).length)
                              .isLessThanOrEqualTo(SegmentValidator.MAX_DOCUMENT_BYTES);
                          assertThat(SegmentValidator.validate(SegmentCodec.parseOne(d)))
                              .as("problems of %s", d.length() > 500 ? d.substring(0, 500) : d)
                              .isEmpty();
                        }
                      }
                      compareOrUpdate(
                          sibling(p, ".otlp.json", ".segment.json"), docs.toPrettyString());
                    }));
  }
}
