package io.raybridge.pipeline.otlp;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamWriteFeature;
import com.fasterxml.jackson.core.util.ByteArrayBuilder;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Message;
import com.google.protobuf.MessageOrBuilder;
import io.opentelemetry.proto.collector.trace.v1.ExportTracePartialSuccess;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceResponse;
import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.common.v1.ArrayValue;
import io.opentelemetry.proto.common.v1.EntityRef;
import io.opentelemetry.proto.common.v1.InstrumentationScope;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.common.v1.KeyValueList;
import io.opentelemetry.proto.resource.v1.Resource;
import io.opentelemetry.proto.trace.v1.ResourceSpans;
import io.opentelemetry.proto.trace.v1.ScopeSpans;
import io.opentelemetry.proto.trace.v1.Span;
import io.opentelemetry.proto.trace.v1.Status;
import io.opentelemetry.proto.trace.v1.TracesData;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * OTLP/JSON, the JSON encoding of OTLP messages defined by the OTLP specification. It is the
 * protobuf JSON mapping with two exceptions: trace and span ids are hex strings instead of base64,
 * and enums are integers. Field names are lowerCamelCase, 64-bit integers are decimal strings,
 * fields holding their default value are omitted, and non-finite doubles are the strings {@code
 * "NaN"}, {@code "Infinity"} and {@code "-Infinity"}.
 *
 * <p>Decoding is lenient where the specification asks receivers to be: it also accepts the original
 * snake_case field names, enum names, 64-bit integers as numbers or strings, and ignores unknown
 * fields. Ids must be hex strings of the right length (or empty).
 *
 * <p>Both directions stream: messages are written field by field to the output and built directly
 * from the parser's tokens, without an intermediate JSON tree or string.
 *
 * <p>All methods are thread-safe and stateless.
 */
public final class OtlpJson {

  private static final JsonFactory FACTORY =
      JsonFactory.builder()
          // The caller owns the stream: encoding neither closes nor flushes it, so a record can be
          // written to a buffered or compressing stream without forcing its buffers out.
          .disable(StreamWriteFeature.AUTO_CLOSE_TARGET)
          .disable(StreamWriteFeature.FLUSH_PASSED_TO_STREAM)
          .build();

  private static final Pattern SOURCE = Pattern.compile("\\[Source: [^;\\]]*; ");

  private OtlpJson() {}

  /**
   * Decodes an OTLP/JSON trace export request.
   *
   * @throws InvalidProtocolBufferException when the bytes are not valid OTLP/JSON; the message says
   *     why and where (the path of the offending field, in the names the input used)
   */
  public static ExportTraceServiceRequest decode(byte[] json)
      throws InvalidProtocolBufferException {
    Objects.requireNonNull(json, "json");
    try (JsonParser p = FACTORY.createParser(json)) {
      if (p.nextToken() != JsonToken.START_OBJECT) {
        throw new InvalidProtocolBufferException(
            "invalid OTLP/JSON: the top level must be an object");
      }
      ExportTraceServiceRequest request = new OtlpJsonReader(p).request();
      if (p.nextToken() != null) {
        throw new InvalidProtocolBufferException(
            "invalid JSON: unexpected content after the top-level object at "
                + location(
                    p.currentTokenLocation().getLineNr(), p.currentTokenLocation().getColumnNr()));
      }
      return request;
    } catch (OtlpJsonReader.Malformed e) {
      throw new InvalidProtocolBufferException(e.getMessage());
    } catch (JacksonException e) {
      String where =
          e.getLocation() == null
              ? ""
              : " at " + location(e.getLocation().getLineNr(), e.getLocation().getColumnNr());
      // Jackson names the (withheld) source inside some messages; only the position is useful.
      String message = SOURCE.matcher(e.getOriginalMessage()).replaceAll("[");
      throw new InvalidProtocolBufferException("invalid JSON: " + message + where);
    } catch (InvalidProtocolBufferException e) {
      throw e;
    } catch (IOException e) {
      // Reading from memory fails only on bad content, which Jackson reports as above.
      throw new InvalidProtocolBufferException("invalid JSON: " + e.getMessage());
    }
  }

  private static String location(int line, int column) {
    return "line " + line + ", column " + column;
  }

  /** Encodes a trace export request as OTLP/JSON, UTF-8. */
  public static byte[] encode(ExportTraceServiceRequest request) {
    Objects.requireNonNull(request, "request");
    ByteArrayBuilder out = new ByteArrayBuilder(16 * 1024);
    try {
      encode(request, out);
    } catch (IOException e) {
      throw new UncheckedIOException(e); // cannot happen in memory
    }
    return out.toByteArray();
  }

  /**
   * Writes a trace export request as OTLP/JSON, UTF-8, to {@code out}. Writes through a small
   * internal buffer that is emptied into {@code out} before returning; neither flushes nor closes
   * {@code out}. Blocks only as much as {@code out} does.
   *
   * @throws IOException as thrown by {@code out}; what was written by then is incomplete
   */
  public static void encode(ExportTraceServiceRequest request, OutputStream out)
      throws IOException {
    encode((MessageOrBuilder) request, out);
  }

  /**
   * Writes any OTLP trace message as compact OTLP/JSON, UTF-8, to {@code out}; see {@link
   * #encodeToString} for the messages supported and {@link #encode(ExportTraceServiceRequest,
   * OutputStream)} for the stream contract.
   */
  public static void encode(MessageOrBuilder message, OutputStream out) throws IOException {
    Objects.requireNonNull(message, "message");
    Objects.requireNonNull(out, "out");
    try (JsonGenerator g = FACTORY.createGenerator(out)) {
      write(new OtlpJsonWriter(g), message);
    }
  }

  /**
   * Encodes any OTLP trace message as compact OTLP/JSON: export requests and responses, {@code
   * TracesData}, {@code ResourceSpans}, {@code Span} and their parts.
   *
   * @throws IllegalArgumentException for messages of other signals
   */
  public static String encodeToString(MessageOrBuilder message) {
    Objects.requireNonNull(message, "message");
    ByteArrayBuilder out = new ByteArrayBuilder(1024);
    try {
      encode(message, out);
    } catch (IOException e) {
      throw new UncheckedIOException(e); // cannot happen in memory
    }
    return new String(out.toByteArray(), StandardCharsets.UTF_8);
  }

  private static void write(OtlpJsonWriter w, MessageOrBuilder message) throws IOException {
    MessageOrBuilder m =
        message instanceof Message.Builder builder ? builder.buildPartial() : message;
    if (m instanceof ExportTraceServiceRequest r) {
      w.request(r);
    } else if (m instanceof ExportTraceServiceResponse r) {
      w.response(r);
    } else if (m instanceof ExportTracePartialSuccess p) {
      w.partialSuccess(p);
    } else if (m instanceof TracesData d) {
      w.tracesData(d);
    } else if (m instanceof ResourceSpans rs) {
      w.resourceSpans(rs);
    } else if (m instanceof ScopeSpans ss) {
      w.scopeSpans(ss);
    } else if (m instanceof Span s) {
      w.span(s);
    } else if (m instanceof Span.Event e) {
      w.event(e);
    } else if (m instanceof Span.Link l) {
      w.link(l);
    } else if (m instanceof Status s) {
      w.status(s);
    } else if (m instanceof Resource r) {
      w.resource(r);
    } else if (m instanceof EntityRef e) {
      w.entityRef(e);
    } else if (m instanceof InstrumentationScope s) {
      w.scope(s);
    } else if (m instanceof KeyValue kv) {
      w.keyValue(kv);
    } else if (m instanceof AnyValue v) {
      w.anyValue(v);
    } else if (m instanceof ArrayValue a) {
      w.arrayValue(a);
    } else if (m instanceof KeyValueList l) {
      w.keyValueList(l);
    } else {
      throw new IllegalArgumentException(
          "OTLP/JSON encoding supports OTLP trace messages, not " + m.getClass().getName());
    }
  }
}
