package io.raybridge.xray;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import com.fasterxml.jackson.databind.JsonNode;
import io.raybridge.xray.SegmentFormatException.Reason;
import io.raybridge.xray.model.AnnotationValue;
import io.raybridge.xray.model.Aws;
import io.raybridge.xray.model.Cause;
import io.raybridge.xray.model.ExceptionDetail;
import io.raybridge.xray.model.Http;
import io.raybridge.xray.model.Link;
import io.raybridge.xray.model.Segment;
import io.raybridge.xray.model.Service;
import io.raybridge.xray.model.Sql;
import io.raybridge.xray.model.StackFrame;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Parses and serializes segment documents. Thread-safe and stateless.
 *
 * <p>Parsing accepts a document with or without the daemon header line {@code
 * {"format":"json","version":1}\n}, holding a single object or an array of objects. Members with an
 * unexpected JSON type and unknown members are kept in the records' {@code extra} maps; JSON {@code
 * null} is treated as an absent member. Serialization is compact, with members in a fixed order
 * (known members first, then unknown ones in their original order).
 */
public final class SegmentCodec {

  /** The daemon header line, without its terminating newline. */
  public static final String DAEMON_HEADER = "{\"format\":\"json\",\"version\":1}";

  private SegmentCodec() {}

  // ------------------------------------------------------------------------------------------
  // Parsing

  /**
   * Parses one or more documents from {@code bytes} (optional daemon header; object or array).
   *
   * @throws SegmentFormatException if the bytes are not a well-formed document
   */
  public static List<Segment> parse(byte[] bytes) {
    Objects.requireNonNull(bytes, "bytes");
    return parse(bytes, 0, bytes.length);
  }

  /** Parses {@code bytes[offset, offset+length)}; see {@link #parse(byte[])}. */
  public static List<Segment> parse(byte[] bytes, int offset, int length) {
    int bodyStart = headerEnd(bytes, offset, length, false);
    return parseBody(bytes, bodyStart, offset + length - bodyStart);
  }

  /** Parses a string; see {@link #parse(byte[])}. */
  public static List<Segment> parse(String text) {
    return parse(text.getBytes(StandardCharsets.UTF_8));
  }

  /**
   * Parses exactly one document; an array must hold exactly one element.
   *
   * @throws SegmentFormatException if there is not exactly one document
   */
  public static Segment parseOne(String text) {
    List<Segment> all = parse(text);
    if (all.size() != 1) {
      throw new SegmentFormatException(
          Reason.NOT_AN_OBJECT, "expected one document, found " + all.size());
    }
    return all.get(0);
  }

  /**
   * Parses a daemon UDP datagram: the header line is required and must be {@code
   * {"format":"json","version":1}} (format compared case-insensitively).
   */
  public static List<Segment> parseDatagram(byte[] bytes, int offset, int length) {
    int bodyStart = headerEnd(bytes, offset, length, true);
    return parseBody(bytes, bodyStart, offset + length - bodyStart);
  }

  /** Returns the index of the first body byte. */
  private static int headerEnd(byte[] bytes, int offset, int length, boolean required) {
    int end = offset + length;
    int nl = -1;
    for (int i = offset; i < end; i++) {
      if (bytes[i] == '\n') {
        nl = i;
        break;
      }
    }
    if (nl < 0) {
      if (required) {
        throw new SegmentFormatException(
            Reason.MISSING_HEADER, "missing header line {\"format\":\"json\",\"version\":1}");
      }
      return offset;
    }
    if (!required && !looksLikeHeader(bytes, offset, nl)) {
      return offset;
    }
    JsonNode header;
    try {
      header = Json.MAPPER.readTree(bytes, offset, nl - offset);
    } catch (IOException e) {
      header = null;
    }
    if (header == null || !header.isObject()) {
      if (required) {
        throw new SegmentFormatException(
            Reason.MISSING_HEADER, "missing header line {\"format\":\"json\",\"version\":1}");
      }
      return offset;
    }
    JsonNode format = header.get("format");
    JsonNode version = header.get("version");
    if (format == null
        || !format.isTextual()
        || !format.asText().equalsIgnoreCase("json")
        || version == null
        || !version.isIntegralNumber()
        || version.asLong() != 1) {
      throw new SegmentFormatException(
          Reason.INVALID_HEADER,
          "invalid header "
              + new String(bytes, offset, nl - offset, StandardCharsets.UTF_8)
              + ", expected {\"format\":\"json\",\"version\":1}");
    }
    return nl + 1;
  }

  private static boolean looksLikeHeader(byte[] bytes, int from, int to) {
    byte[] key = "\"format\"".getBytes(StandardCharsets.US_ASCII);
    outer:
    for (int i = from; i <= to - key.length; i++) {
      for (int j = 0; j < key.length; j++) {
        if (bytes[i + j] != key[j]) {
          continue outer;
        }
      }
      return true;
    }
    return false;
  }

  private static List<Segment> parseBody(byte[] bytes, int offset, int length) {
    try (JsonParser p = Json.FACTORY.createParser(bytes, offset, length)) {
      JsonToken t = p.nextToken();
      if (t == null) {
        throw new SegmentFormatException(Reason.EMPTY_DOCUMENT, "empty document");
      }
      List<Segment> out;
      if (t == JsonToken.START_OBJECT) {
        out = List.of(readSegment(p));
      } else if (t == JsonToken.START_ARRAY) {
        out = new ArrayList<>();
        while ((t = p.nextToken()) != JsonToken.END_ARRAY) {
          if (t != JsonToken.START_OBJECT) {
            throw new SegmentFormatException(
                Reason.NOT_AN_OBJECT, "array element is not a segment object but " + t);
          }
          out.add(readSegment(p));
        }
        if (out.isEmpty()) {
          throw new SegmentFormatException(Reason.EMPTY_DOCUMENT, "empty array of documents");
        }
      } else {
        throw new SegmentFormatException(
            Reason.NOT_AN_OBJECT, "document is not a JSON object or array but " + t);
      }
      if (p.nextToken() != null) {
        throw new SegmentFormatException(
            Reason.TRAILING_DATA, "unexpected data after the document");
      }
      return out;
    } catch (StreamConstraintsException e) {
      throw new SegmentFormatException(
          Reason.TOO_DEEP, "document nested deeper than " + Json.MAX_NESTING_DEPTH, e);
    } catch (JsonProcessingException e) {
      throw new SegmentFormatException(
          Reason.INVALID_JSON, "invalid JSON: " + e.getOriginalMessage(), e);
    } catch (IOException e) {
      throw new SegmentFormatException(Reason.INVALID_JSON, "invalid JSON: " + e.getMessage(), e);
    }
  }

  /** Reads a segment; the current token is START_OBJECT. */
  static Segment readSegment(JsonParser p) throws IOException {
    Segment.Builder b = Segment.builder();
    Map<String, JsonNode> extra = new LinkedHashMap<>();
    while (p.nextToken() == JsonToken.FIELD_NAME) {
      String key = p.currentName();
      JsonToken t = p.nextToken();
      if (t == JsonToken.VALUE_NULL) {
        continue;
      }
      switch (key) {
        case "name" -> b.name(str(p, key, extra));
        case "id" -> b.id(str(p, key, extra));
        case "trace_id" -> b.traceId(str(p, key, extra));
        case "parent_id" -> b.parentId(str(p, key, extra));
        case "type" -> b.type(str(p, key, extra));
        case "start_time" -> b.startTime(num(p, key, extra));
        case "end_time" -> b.endTime(num(p, key, extra));
        case "in_progress" -> b.inProgress(bool(p, key, extra));
        case "namespace" -> b.namespace(str(p, key, extra));
        case "origin" -> b.origin(str(p, key, extra));
        case "user" -> b.user(str(p, key, extra));
        case "resource_arn" -> b.resourceArn(str(p, key, extra));
        case "service" -> {
          if (t == JsonToken.START_OBJECT) {
            b.service(readService(p));
          } else {
            extra.put(key, p.readValueAsTree());
          }
        }
        case "http" -> {
          if (t == JsonToken.START_OBJECT) {
            b.http(readHttp(p));
          } else {
            extra.put(key, p.readValueAsTree());
          }
        }
        case "aws" -> {
          if (t == JsonToken.START_OBJECT) {
            b.aws(readAws(p));
          } else {
            extra.put(key, p.readValueAsTree());
          }
        }
        case "sql" -> {
          if (t == JsonToken.START_OBJECT) {
            b.sql(readSql(p));
          } else {
            extra.put(key, p.readValueAsTree());
          }
        }
        case "error" -> b.error(bool(p, key, extra));
        case "fault" -> b.fault(bool(p, key, extra));
        case "throttle" -> b.throttle(bool(p, key, extra));
        case "traced" -> b.traced(bool(p, key, extra));
        case "cause" -> {
          if (t == JsonToken.VALUE_STRING) {
            b.cause(new Cause.ExceptionId(p.getText()));
          } else if (t == JsonToken.START_OBJECT) {
            b.cause(readCause(p));
          } else {
            extra.put(key, p.readValueAsTree());
          }
        }
        case "annotations" -> {
          if (t == JsonToken.START_OBJECT) {
            readAnnotations(p, b, extra);
          } else {
            extra.put(key, p.readValueAsTree());
          }
        }
        case "metadata" -> {
          JsonNode node = p.readValueAsTree();
          if (node.isObject()) {
            Map<String, JsonNode> md = new LinkedHashMap<>();
            node.fields().forEachRemaining(e -> md.put(e.getKey(), e.getValue()));
            b.metadata(md);
          } else {
            extra.put(key, node);
          }
        }
        case "subsegments" -> {
          if (t == JsonToken.START_ARRAY && readSubsegments(p, b)) {
            break;
          }
          extra.put(key, p.readValueAsTree());
        }
        case "precursor_ids" -> b.precursorIds(strList(p, key, extra));
        case "links" -> {
          if (t == JsonToken.START_ARRAY) {
            b.links(readLinks(p, extra));
          } else {
            extra.put(key, p.readValueAsTree());
          }
        }
        default -> extra.put(key, p.readValueAsTree());
      }
    }
    return b.extra(extra).build();
  }

  /**
   * Reads the subsegment array. Returns false (with the parser still at START_ARRAY) only if the
   * first element is not an object; elements after a valid first one must be objects.
   */
  private static boolean readSubsegments(JsonParser p, Segment.Builder b) throws IOException {
    List<Segment> subs = new ArrayList<>();
    JsonToken t;
    while ((t = p.nextToken()) != JsonToken.END_ARRAY) {
      if (t != JsonToken.START_OBJECT) {
        throw new SegmentFormatException(
            Reason.NOT_AN_OBJECT, "subsegments must contain objects, found " + t);
      }
      subs.add(readSegment(p));
    }
    b.subsegments(subs);
    return true;
  }

  private static void readAnnotations(
      JsonParser p, Segment.Builder b, Map<String, JsonNode> extra) throws IOException {
    Map<String, AnnotationValue> ann = new LinkedHashMap<>();
    Map<String, JsonNode> odd = null;
    while (p.nextToken() == JsonToken.FIELD_NAME) {
      String key = p.currentName();
      JsonToken t = p.nextToken();
      switch (t) {
        case VALUE_STRING -> ann.put(key, new AnnotationValue.Str(p.getText()));
        case VALUE_TRUE -> ann.put(key, new AnnotationValue.Bool(true));
        case VALUE_FALSE -> ann.put(key, new AnnotationValue.Bool(false));
        case VALUE_NUMBER_INT -> {
          if (p.getNumberType() == JsonParser.NumberType.BIG_INTEGER) {
            ann.put(key, new AnnotationValue.Dbl(p.getDoubleValue()));
          } else {
            ann.put(key, new AnnotationValue.Int(p.getLongValue()));
          }
        }
        case VALUE_NUMBER_FLOAT -> ann.put(key, new AnnotationValue.Dbl(p.getDoubleValue()));
        default -> {
          // Objects, arrays and null are not valid annotation values; keep them for the
          // validator and for a faithful round trip.
          if (odd == null) {
            odd = new LinkedHashMap<>();
          }
          odd.put(key, p.readValueAsTree());
        }
      }
    }
    b.annotations(ann);
    if (odd != null) {
      var node = Json.NODES.objectNode();
      odd.forEach(node::set);
      extra.put("annotations", node);
    }
  }

  private static List<Link> readLinks(JsonParser p, Map<String, JsonNode> segExtra)
      throws IOException {
    List<Link> links = new ArrayList<>();
    JsonToken t;
    while ((t = p.nextToken()) != JsonToken.END_ARRAY) {
      if (t != JsonToken.START_OBJECT) {
        throw new SegmentFormatException(
            Reason.INVALID_FIELD, "links must contain objects, found " + t);
      }
      String traceId = null;
      String id = null;
      Map<String, JsonNode> attrs = null;
      Map<String, JsonNode> extra = new LinkedHashMap<>();
      while (p.nextToken() == JsonToken.FIELD_NAME) {
        String key = p.currentName();
        JsonToken v = p.nextToken();
        if (v == JsonToken.VALUE_NULL) {
          continue;
        }
        switch (key) {
          case "trace_id" -> traceId = str(p, key, extra);
          case "id" -> id = str(p, key, extra);
          case "attributes" -> {
            JsonNode node = p.readValueAsTree();
            if (node.isObject()) {
              attrs = new LinkedHashMap<>();
              Map<String, JsonNode> a = attrs;
              node.fields().forEachRemaining(e -> a.put(e.getKey(), e.getValue()));
            } else {
              extra.put(key, node);
            }
          }
          default -> extra.put(key, p.readValueAsTree());
        }
      }
      links.add(new Link(traceId, id, attrs, extra));
    }
    return links;
  }

  private static Service readService(JsonParser p) throws IOException {
    String version = null;
    String compilerVersion = null;
    String compiler = null;
    Map<String, JsonNode> extra = new LinkedHashMap<>();
    while (p.nextToken() == JsonToken.FIELD_NAME) {
      String key = p.currentName();
      if (p.nextToken() == JsonToken.VALUE_NULL) {
        continue;
      }
      switch (key) {
        case "version" -> version = str(p, key, extra);
        case "compiler_version" -> compilerVersion = str(p, key, extra);
        case "compiler" -> compiler = str(p, key, extra);
        default -> extra.put(key, p.readValueAsTree());
      }
    }
    return new Service(version, compilerVersion, compiler, extra);
  }

  private static Http readHttp(JsonParser p) throws IOException {
    Http.Request request = null;
    Http.Response response = null;
    Map<String, JsonNode> extra = new LinkedHashMap<>();
    while (p.nextToken() == JsonToken.FIELD_NAME) {
      String key = p.currentName();
      JsonToken t = p.nextToken();
      if (t == JsonToken.VALUE_NULL) {
        continue;
      }
      if (key.equals("request") && t == JsonToken.START_OBJECT) {
        request = readRequest(p);
      } else if (key.equals("response") && t == JsonToken.START_OBJECT) {
        response = readResponse(p);
      } else {
        extra.put(key, p.readValueAsTree());
      }
    }
    return new Http(request, response, extra);
  }

  private static Http.Request readRequest(JsonParser p) throws IOException {
    String method = null;
    String url = null;
    String userAgent = null;
    String clientIp = null;
    Boolean xff = null;
    Boolean traced = null;
    Map<String, JsonNode> extra = new LinkedHashMap<>();
    while (p.nextToken() == JsonToken.FIELD_NAME) {
      String key = p.currentName();
      if (p.nextToken() == JsonToken.VALUE_NULL) {
        continue;
      }
      switch (key) {
        case "method" -> method = str(p, key, extra);
        case "url" -> url = str(p, key, extra);
        case "user_agent" -> userAgent = str(p, key, extra);
        case "client_ip" -> clientIp = str(p, key, extra);
        case "x_forwarded_for" -> xff = bool(p, key, extra);
        case "traced" -> traced = bool(p, key, extra);
        default -> extra.put(key, p.readValueAsTree());
      }
    }
    return new Http.Request(method, url, userAgent, clientIp, xff, traced, extra);
  }

  private static Http.Response readResponse(JsonParser p) throws IOException {
    Long status = null;
    Long contentLength = null;
    Map<String, JsonNode> extra = new LinkedHashMap<>();
    while (p.nextToken() == JsonToken.FIELD_NAME) {
      String key = p.currentName();
      if (p.nextToken() == JsonToken.VALUE_NULL) {
        continue;
      }
      switch (key) {
        case "status" -> status = integer(p, key, extra);
        case "content_length" -> contentLength = integer(p, key, extra);
        default -> extra.put(key, p.readValueAsTree());
      }
    }
    return new Http.Response(status, contentLength, extra);
  }

  private static Sql readSql(JsonParser p) throws IOException {
    String[] v = new String[8];
    Map<String, JsonNode> extra = new LinkedHashMap<>();
    while (p.nextToken() == JsonToken.FIELD_NAME) {
      String key = p.currentName();
      if (p.nextToken() == JsonToken.VALUE_NULL) {
        continue;
      }
      int i =
          switch (key) {
            case "url" -> 0;
            case "connection_string" -> 1;
            case "sanitized_query" -> 2;
            case "database_type" -> 3;
            case "database_version" -> 4;
            case "driver_version" -> 5;
            case "user" -> 6;
            case "preparation" -> 7;
            default -> -1;
          };
      if (i < 0) {
        extra.put(key, p.readValueAsTree());
      } else {
        v[i] = str(p, key, extra);
      }
    }
    return new Sql(v[0], v[1], v[2], v[3], v[4], v[5], v[6], v[7], extra);
  }

  private static Aws readAws(JsonParser p) throws IOException {
    String accountId = null;
    String operation = null;
    String region = null;
    String requestId = null;
    String queueUrl = null;
    String tableName = null;
    List<String> tableNames = null;
    Long retries = null;
    Aws.Ec2 ec2 = null;
    Aws.Ecs ecs = null;
    Aws.Eks eks = null;
    Aws.ElasticBeanstalk eb = null;
    Aws.XRaySdk xray = null;
    List<Aws.CloudWatchLog> logs = null;
    Map<String, JsonNode> extra = new LinkedHashMap<>();
    while (p.nextToken() == JsonToken.FIELD_NAME) {
      String key = p.currentName();
      JsonToken t = p.nextToken();
      if (t == JsonToken.VALUE_NULL) {
        continue;
      }
      boolean obj = t == JsonToken.START_OBJECT;
      switch (key) {
        case "account_id" -> accountId = str(p, key, extra);
        case "operation" -> operation = str(p, key, extra);
        case "region" -> region = str(p, key, extra);
        case "request_id" -> requestId = str(p, key, extra);
        case "queue_url" -> queueUrl = str(p, key, extra);
        case "table_name" -> tableName = str(p, key, extra);
        case "table_names" -> tableNames = strList(p, key, extra);
        case "retries" -> retries = integer(p, key, extra);
        case "ec2" -> {
          if (obj) {
            String[] v = strings(p, extra(), "instance_id", "instance_size", "ami_id",
                "availability_zone");
            ec2 = new Aws.Ec2(v[0], v[1], v[2], v[3], lastExtra);
          } else {
            extra.put(key, p.readValueAsTree());
          }
        }
        case "ecs" -> {
          if (obj) {
            String[] v = strings(p, extra(), "container", "container_id", "container_arn",
                "task_arn", "task_family", "cluster_arn", "availability_zone", "launch_type");
            ecs = new Aws.Ecs(v[0], v[1], v[2], v[3], v[4], v[5], v[6], v[7], lastExtra);
          } else {
            extra.put(key, p.readValueAsTree());
          }
        }
        case "eks" -> {
          if (obj) {
            String[] v = strings(p, extra(), "pod", "cluster_name", "container_id");
            eks = new Aws.Eks(v[0], v[1], v[2], lastExtra);
          } else {
            extra.put(key, p.readValueAsTree());
          }
        }
        case "elastic_beanstalk" -> {
          if (obj) {
            eb = readBeanstalk(p);
          } else {
            extra.put(key, p.readValueAsTree());
          }
        }
        case "xray" -> {
          if (obj) {
            xray = readXRaySdk(p);
          } else {
            extra.put(key, p.readValueAsTree());
          }
        }
        case "cloudwatch_logs" -> {
          JsonNode node = p.readValueAsTree();
          logs = cloudWatchLogs(node);
          if (logs == null) {
            extra.put(key, node);
          }
        }
        default -> extra.put(key, p.readValueAsTree());
      }
    }
    return new Aws(
        accountId, operation, region, requestId, queueUrl, tableName, tableNames, retries, ec2,
        ecs, eks, eb, xray, logs, extra);
  }

  // A small trick to return two values from strings(): the extras of the object just read.
  // Only ever used on the parsing thread within one call, hence a ThreadLocal-free local holder.
  private static Map<String, JsonNode> lastExtra;

  private static Map<String, JsonNode> extra() {
    return null;
  }

  private static String[] strings(JsonParser p, Map<String, JsonNode> unused, String... keys)
      throws IOException {
    String[] v = new String[keys.length];
    Map<String, JsonNode> extra = new LinkedHashMap<>();
    while (p.nextToken() == JsonToken.FIELD_NAME) {
      String key = p.currentName();
      if (p.nextToken() == JsonToken.VALUE_NULL) {
        continue;
      }
      int i = indexOf(keys, key);
      if (i < 0) {
        extra.put(key, p.readValueAsTree());
      } else {
        v[i] = str(p, key, extra);
      }
    }
    lastExtra = extra;
    return v;
  }
