package io.raybridge.xray;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.SerializableString;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import com.fasterxml.jackson.core.io.SerializedString;
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
import java.io.IOException;
import java.io.OutputStream;
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

  /**
   * The format name under which a batch keeps the segment documents its spans were read from (see
   * {@code Traces.ofDocuments}).
   */
  public static final String DOCUMENT_FORMAT = "xray-segment";

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
    int bodyStart = datagramBodyStart(bytes, offset, length);
    return parseDocuments(bytes, bodyStart, offset + length - bodyStart);
  }

  /**
   * Parses a datagram's body, the bytes after its header line ({@link #datagramBodyStart}): one
   * document, or an array of them.
   *
   * @throws SegmentFormatException if the bytes are not well-formed documents
   */
  public static List<Segment> parseDocuments(byte[] bytes, int offset, int length) {
    return parseBody(bytes, offset, length);
  }

  /**
   * The index of the first byte after a daemon datagram's header line, checked as {@link
   * #parseDatagram} checks it.
   *
   * @throws SegmentFormatException if the header is missing or wrong
   */
  public static int datagramBodyStart(byte[] bytes, int offset, int length) {
    return headerEnd(bytes, offset, length, true);
  }

  /**
   * The top-level {@code id} of one encoded document, read without building it; null where the
   * bytes are not a JSON object or have no string {@code id}.
   */
  public static String documentId(byte[] document) {
    try (JsonParser p = Json.FACTORY.createParser(document)) {
      if (p.nextToken() != JsonToken.START_OBJECT) {
        return null;
      }
      while (p.nextToken() == JsonToken.FIELD_NAME) {
        boolean id = "id".equals(p.currentName());
        JsonToken v = p.nextToken();
        if (id) {
          return v == JsonToken.VALUE_STRING ? p.getText() : null;
        }
        p.skipChildren();
      }
      return null;
    } catch (IOException e) {
      return null;
    }
  }

  /** Returns the index of the first body byte. */
  private static final byte[] CANONICAL_HEADER =
      (DAEMON_HEADER + "\n").getBytes(StandardCharsets.US_ASCII);

  private static int headerEnd(byte[] bytes, int offset, int length, boolean required) {
    if (length >= CANONICAL_HEADER.length
        && java.util.Arrays.equals(
            bytes,
            offset,
            offset + CANONICAL_HEADER.length,
            CANONICAL_HEADER,
            0,
            CANONICAL_HEADER.length)) {
      return offset + CANONICAL_HEADER.length;
    }
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
    List<Segment> fast = parseBodyFast(bytes, offset, length);
    return fast != null ? fast : parseBodyJackson(bytes, offset, length);
  }

  /**
   * Reads the body with {@link AsciiJsonParser}; null where the document is outside its subset or
   * is not a valid document at all, in which case {@link #parseBodyJackson} decides (and words any
   * error).
   */
  static List<Segment> parseBodyFast(byte[] bytes, int offset, int length) {
    AsciiJsonParser p = AsciiJsonParser.acquire(bytes, offset, length);
    if (p == null) {
      return null;
    }
    try {
      return readBody(p);
    } catch (RuntimeException | IOException e) {
      return null;
    } finally {
      p.release();
    }
  }

  static List<Segment> parseBodyJackson(byte[] bytes, int offset, int length) {
    try (JsonParser p = Json.FACTORY.createParser(bytes, offset, length)) {
      return readBody(p);
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

  private static List<Segment> readBody(JsonParser p) throws IOException {
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
      throw new SegmentFormatException(Reason.TRAILING_DATA, "unexpected data after the document");
    }
    return out;
  }

  /** Reads a segment; the current token is START_OBJECT. */
  static Segment readSegment(JsonParser p) throws IOException {
    Segment.Builder b = Segment.builder();
    Unknowns extra = new Unknowns();
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
            extra.put(key, Json.readNode(p));
          }
        }
        case "http" -> {
          if (t == JsonToken.START_OBJECT) {
            b.http(readHttp(p));
          } else {
            extra.put(key, Json.readNode(p));
          }
        }
        case "aws" -> {
          if (t == JsonToken.START_OBJECT) {
            b.aws(readAws(p));
          } else {
            extra.put(key, Json.readNode(p));
          }
        }
        case "sql" -> {
          if (t == JsonToken.START_OBJECT) {
            b.sql(readSql(p));
          } else {
            extra.put(key, Json.readNode(p));
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
            extra.put(key, Json.readNode(p));
          }
        }
        case "annotations" -> {
          if (t == JsonToken.START_OBJECT) {
            readAnnotations(p, b, extra);
          } else {
            extra.put(key, Json.readNode(p));
          }
        }
        case "metadata" -> {
          JsonNode node = Json.readNode(p);
          if (node.isObject()) {
            Map<String, JsonNode> md = new LinkedHashMap<>();
            node.properties().iterator().forEachRemaining(e -> md.put(e.getKey(), e.getValue()));
            b.metadata(md);
          } else {
            extra.put(key, node);
          }
        }
        case "subsegments" -> {
          if (t == JsonToken.START_ARRAY && readSubsegments(p, b)) {
            break;
          }
          extra.put(key, Json.readNode(p));
        }
        case "precursor_ids" -> b.precursorIds(strList(p, key, extra));
        case "links" -> {
          if (t == JsonToken.START_ARRAY) {
            b.links(readLinks(p, extra));
          } else {
            extra.put(key, Json.readNode(p));
          }
        }
        default -> extra.put(key, Json.readNode(p));
      }
    }
    return b.extra(extra.map()).build();
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

  private static void readAnnotations(JsonParser p, Segment.Builder b, Unknowns extra)
      throws IOException {
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
          odd.put(key, Json.readNode(p));
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

  private static List<Link> readLinks(JsonParser p, Unknowns segExtra) throws IOException {
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
      Unknowns extra = new Unknowns();
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
            JsonNode node = Json.readNode(p);
            if (node.isObject()) {
              attrs = new LinkedHashMap<>();
              Map<String, JsonNode> a = attrs;
              node.properties().iterator().forEachRemaining(e -> a.put(e.getKey(), e.getValue()));
            } else {
              extra.put(key, node);
            }
          }
          default -> extra.put(key, Json.readNode(p));
        }
      }
      links.add(new Link(traceId, id, attrs, extra.map()));
    }
    return links;
  }

  private static Service readService(JsonParser p) throws IOException {
    String version = null;
    String compilerVersion = null;
    String compiler = null;
    Unknowns extra = new Unknowns();
    while (p.nextToken() == JsonToken.FIELD_NAME) {
      String key = p.currentName();
      if (p.nextToken() == JsonToken.VALUE_NULL) {
        continue;
      }
      switch (key) {
        case "version" -> version = str(p, key, extra);
        case "compiler_version" -> compilerVersion = str(p, key, extra);
        case "compiler" -> compiler = str(p, key, extra);
        default -> extra.put(key, Json.readNode(p));
      }
    }
    return new Service(version, compilerVersion, compiler, extra.map());
  }

  private static Http readHttp(JsonParser p) throws IOException {
    Http.Request request = null;
    Http.Response response = null;
    Unknowns extra = new Unknowns();
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
        extra.put(key, Json.readNode(p));
      }
    }
    return new Http(request, response, extra.map());
  }

  private static Http.Request readRequest(JsonParser p) throws IOException {
    String method = null;
    String url = null;
    String userAgent = null;
    String clientIp = null;
    Boolean xff = null;
    Boolean traced = null;
    Unknowns extra = new Unknowns();
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
        default -> extra.put(key, Json.readNode(p));
      }
    }
    return new Http.Request(method, url, userAgent, clientIp, xff, traced, extra.map());
  }

  private static Http.Response readResponse(JsonParser p) throws IOException {
    Long status = null;
    Long contentLength = null;
    Unknowns extra = new Unknowns();
    while (p.nextToken() == JsonToken.FIELD_NAME) {
      String key = p.currentName();
      if (p.nextToken() == JsonToken.VALUE_NULL) {
        continue;
      }
      switch (key) {
        case "status" -> status = integer(p, key, extra);
        case "content_length" -> contentLength = integer(p, key, extra);
        default -> extra.put(key, Json.readNode(p));
      }
    }
    return new Http.Response(status, contentLength, extra.map());
  }

  private static Sql readSql(JsonParser p) throws IOException {
    String[] v = new String[8];
    Unknowns extra = new Unknowns();
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
        extra.put(key, Json.readNode(p));
      } else {
        v[i] = str(p, key, extra);
      }
    }
    return new Sql(v[0], v[1], v[2], v[3], v[4], v[5], v[6], v[7], extra.map());
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
    Unknowns extra = new Unknowns();
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
            Fields f = strings(p, "instance_id", "instance_size", "ami_id", "availability_zone");
            String[] v = f.values();
            ec2 = new Aws.Ec2(v[0], v[1], v[2], v[3], f.extra());
          } else {
            extra.put(key, Json.readNode(p));
          }
        }
        case "ecs" -> {
          if (obj) {
            Fields f =
                strings(
                    p,
                    "container",
                    "container_id",
                    "container_arn",
                    "task_arn",
                    "task_family",
                    "cluster_arn",
                    "availability_zone",
                    "launch_type");
            String[] v = f.values();
            ecs = new Aws.Ecs(v[0], v[1], v[2], v[3], v[4], v[5], v[6], v[7], f.extra());
          } else {
            extra.put(key, Json.readNode(p));
          }
        }
        case "eks" -> {
          if (obj) {
            Fields f = strings(p, "pod", "cluster_name", "container_id");
            String[] v = f.values();
            eks = new Aws.Eks(v[0], v[1], v[2], f.extra());
          } else {
            extra.put(key, Json.readNode(p));
          }
        }
        case "elastic_beanstalk" -> {
          if (obj) {
            eb = readBeanstalk(p);
          } else {
            extra.put(key, Json.readNode(p));
          }
        }
        case "xray" -> {
          if (obj) {
            xray = readXRaySdk(p);
          } else {
            extra.put(key, Json.readNode(p));
          }
        }
        case "cloudwatch_logs" -> {
          JsonNode node = Json.readNode(p);
          logs = cloudWatchLogs(node);
          if (logs == null) {
            extra.put(key, node);
          }
        }
        default -> extra.put(key, Json.readNode(p));
      }
    }
    return new Aws(
        accountId,
        operation,
        region,
        requestId,
        queueUrl,
        tableName,
        tableNames,
        retries,
        ec2,
        ecs,
        eks,
        eb,
        xray,
        logs,
        extra.map());
  }

  private record Fields(String[] values, Map<String, JsonNode> extra) {}

  /** Reads an object whose known members are all strings. */
  private static Fields strings(JsonParser p, String... keys) throws IOException {
    String[] v = new String[keys.length];
    Unknowns extra = new Unknowns();
    while (p.nextToken() == JsonToken.FIELD_NAME) {
      String key = p.currentName();
      if (p.nextToken() == JsonToken.VALUE_NULL) {
        continue;
      }
      int i = indexOf(keys, key);
      if (i < 0) {
        extra.put(key, Json.readNode(p));
      } else {
        v[i] = str(p, key, extra);
      }
    }
    return new Fields(v, extra.map());
  }

  private static int indexOf(String[] keys, String key) {
    for (int i = 0; i < keys.length; i++) {
      if (keys[i].equals(key)) {
        return i;
      }
    }
    return -1;
  }

  private static Aws.ElasticBeanstalk readBeanstalk(JsonParser p) throws IOException {
    String env = null;
    String label = null;
    Long deployment = null;
    Unknowns extra = new Unknowns();
    while (p.nextToken() == JsonToken.FIELD_NAME) {
      String key = p.currentName();
      if (p.nextToken() == JsonToken.VALUE_NULL) {
        continue;
      }
      switch (key) {
        case "environment_name" -> env = str(p, key, extra);
        case "version_label" -> label = str(p, key, extra);
        case "deployment_id" -> deployment = integer(p, key, extra);
        default -> extra.put(key, Json.readNode(p));
      }
    }
    return new Aws.ElasticBeanstalk(env, label, deployment, extra.map());
  }

  private static Aws.XRaySdk readXRaySdk(JsonParser p) throws IOException {
    String sdk = null;
    String version = null;
    Boolean auto = null;
    Unknowns extra = new Unknowns();
    while (p.nextToken() == JsonToken.FIELD_NAME) {
      String key = p.currentName();
      if (p.nextToken() == JsonToken.VALUE_NULL) {
        continue;
      }
      switch (key) {
        case "sdk" -> sdk = str(p, key, extra);
        case "sdk_version" -> version = str(p, key, extra);
        case "auto_instrumentation" -> auto = bool(p, key, extra);
        default -> extra.put(key, Json.readNode(p));
      }
    }
    return new Aws.XRaySdk(sdk, version, auto, extra.map());
  }

  /** Typed log-group entries, or null if the node does not have the documented shape. */
  private static List<Aws.CloudWatchLog> cloudWatchLogs(JsonNode node) {
    if (!node.isArray()) {
      return null;
    }
    List<Aws.CloudWatchLog> out = new ArrayList<>(node.size());
    for (JsonNode e : node) {
      if (!e.isObject()) {
        return null;
      }
      String group = null;
      String arn = null;
      Unknowns extra = new Unknowns();
      var it = e.properties().iterator();
      while (it.hasNext()) {
        var f = it.next();
        JsonNode v = f.getValue();
        if (v.isNull()) {
          continue;
        }
        if (f.getKey().equals("log_group") && v.isTextual()) {
          group = v.asText();
        } else if (f.getKey().equals("arn") && v.isTextual()) {
          arn = v.asText();
        } else {
          extra.put(f.getKey(), v);
        }
      }
      out.add(new Aws.CloudWatchLog(group, arn, extra.map()));
    }
    return out;
  }

  private static Cause.Details readCause(JsonParser p) throws IOException {
    String wd = null;
    List<String> paths = null;
    List<ExceptionDetail> exceptions = null;
    Unknowns extra = new Unknowns();
    while (p.nextToken() == JsonToken.FIELD_NAME) {
      String key = p.currentName();
      JsonToken t = p.nextToken();
      if (t == JsonToken.VALUE_NULL) {
        continue;
      }
      switch (key) {
        case "working_directory" -> wd = str(p, key, extra);
        case "paths" -> paths = strList(p, key, extra);
        case "exceptions" -> {
          JsonNode node = Json.readNode(p);
          exceptions = exceptions(node);
          if (exceptions == null) {
            extra.put(key, node);
          }
        }
        default -> extra.put(key, Json.readNode(p));
      }
    }
    return new Cause.Details(wd, paths, exceptions, extra.map());
  }

  private static List<ExceptionDetail> exceptions(JsonNode node) {
    if (!node.isArray()) {
      return null;
    }
    List<ExceptionDetail> out = new ArrayList<>(node.size());
    for (JsonNode e : node) {
      if (!e.isObject()) {
        return null;
      }
      out.add(exception(e));
    }
    return out;
  }

  static ExceptionDetail exception(JsonNode e) {
    String id = null;
    String message = null;
    String type = null;
    Boolean remote = null;
    Long truncated = null;
    Long skipped = null;
    String cause = null;
    List<StackFrame> stack = null;
    Unknowns extra = new Unknowns();
    var it = e.properties().iterator();
    while (it.hasNext()) {
      var f = it.next();
      String k = f.getKey();
      JsonNode v = f.getValue();
      if (v.isNull()) {
        continue;
      }
      boolean ok = true;
      switch (k) {
        case "id" -> ok = (id = text(v)) != null;
        case "message" -> ok = (message = text(v)) != null;
        case "type" -> ok = (type = text(v)) != null;
        case "cause" -> ok = (cause = text(v)) != null;
        case "remote" -> ok = (remote = v.isBoolean() ? v.booleanValue() : null) != null;
        case "truncated" -> ok = (truncated = longOf(v)) != null;
        case "skipped" -> ok = (skipped = longOf(v)) != null;
        case "stack" -> ok = (stack = frames(v)) != null;
        default -> ok = false;
      }
      if (!ok) {
        extra.put(k, v);
      }
    }
    return new ExceptionDetail(
        id, message, type, remote, truncated, skipped, cause, stack, extra.map());
  }

  /** Typed stack frames, or null if the node does not have the documented shape. */
  static List<StackFrame> frames(JsonNode v) {
    if (!v.isArray()) {
      return null;
    }
    List<StackFrame> out = new ArrayList<>(v.size());
    for (JsonNode fr : v) {
      if (!fr.isObject()) {
        return null;
      }
      String path = null;
      Long line = null;
      String label = null;
      Unknowns extra = new Unknowns();
      var it = fr.properties().iterator();
      while (it.hasNext()) {
        var f = it.next();
        JsonNode x = f.getValue();
        if (x.isNull()) {
          continue;
        }
        boolean ok;
        switch (f.getKey()) {
          case "path" -> ok = (path = text(x)) != null;
          case "label" -> ok = (label = text(x)) != null;
          case "line" -> ok = (line = longOf(x)) != null;
          default -> ok = false;
        }
        if (!ok) {
          extra.put(f.getKey(), x);
        }
      }
      out.add(new StackFrame(path, line, label, extra.map()));
    }
    return out;
  }

  private static String text(JsonNode v) {
    return v.isTextual() ? v.asText() : null;
  }

  private static Long longOf(JsonNode v) {
    return v.isIntegralNumber() && v.canConvertToLong() ? v.longValue() : null;
  }

  private static String str(JsonParser p, String key, Unknowns extra) throws IOException {
    if (p.currentToken() == JsonToken.VALUE_STRING) {
      return p.getText();
    }
    extra.put(key, Json.readNode(p));
    return null;
  }

  private static Double num(JsonParser p, String key, Unknowns extra) throws IOException {
    JsonToken t = p.currentToken();
    if (t == JsonToken.VALUE_NUMBER_FLOAT || t == JsonToken.VALUE_NUMBER_INT) {
      return p.getDoubleValue();
    }
    extra.put(key, Json.readNode(p));
    return null;
  }

  private static Long integer(JsonParser p, String key, Unknowns extra) throws IOException {
    if (p.currentToken() == JsonToken.VALUE_NUMBER_INT
        && p.getNumberType() != JsonParser.NumberType.BIG_INTEGER) {
      long v = p.getLongValue();
      return v >= 0 && v < SMALL_LONGS.length ? SMALL_LONGS[(int) v] : Long.valueOf(v);
    }
    extra.put(key, Json.readNode(p));
    return null;
  }

  /** Status codes, small sizes and counts: boxed once instead of per document. */
  private static final Long[] SMALL_LONGS = new Long[1024];

  static {
    for (int i = 0; i < SMALL_LONGS.length; i++) {
      SMALL_LONGS[i] = (long) i;
    }
  }

  private static Boolean bool(JsonParser p, String key, Unknowns extra) throws IOException {
    JsonToken t = p.currentToken();
    if (t == JsonToken.VALUE_TRUE) {
      return Boolean.TRUE;
    }
    if (t == JsonToken.VALUE_FALSE) {
      return Boolean.FALSE;
    }
    extra.put(key, Json.readNode(p));
    return null;
  }

  private static List<String> strList(JsonParser p, String key, Unknowns extra) throws IOException {
    if (p.currentToken() != JsonToken.START_ARRAY) {
      extra.put(key, Json.readNode(p));
      return null;
    }
    JsonNode node = Json.readNode(p);
    List<String> out = new ArrayList<>(node.size());
    for (JsonNode e : node) {
      if (!e.isTextual()) {
        extra.put(key, node);
        return null;
      }
      out.add(e.asText());
    }
    return out;
  }

  /**
   * Members kept verbatim in a record's {@code extra}; the map is only made for the rare object
   * that has any, and {@link #map()} is null otherwise (the records read null as empty).
   */
  private static final class Unknowns {
    private Map<String, JsonNode> map;

    void put(String key, JsonNode value) {
      if (map == null) {
        map = new LinkedHashMap<>();
      }
      map.put(key, value);
    }

    Map<String, JsonNode> map() {
      return map;
    }
  }

  // ------------------------------------------------------------------------------------------
  // Serialization

  /** Compact JSON text of one document (no header, no trailing newline). */
  public static String serialize(Segment segment) {
    Objects.requireNonNull(segment, "segment");
    return Json.toJson(gen -> write(segment, gen));
  }

  /** UTF-8 bytes of {@link #serialize(Segment)}. */
  public static byte[] serializeBytes(Segment segment) {
    Buffer b = encode(segment);
    return java.util.Arrays.copyOf(b.bytes, b.length);
  }

  /** Growable byte buffer reused per thread, so serializing allocates only the result. */
  static final class Buffer extends OutputStream {
    byte[] bytes = new byte[4096];
    int length;

    @Override
    public void write(int b) {
      ensure(1);
      bytes[length++] = (byte) b;
    }

    @Override
    public void write(byte[] b, int off, int len) {
      ensure(len);
      System.arraycopy(b, off, bytes, length, len);
      length += len;
    }

    private void ensure(int n) {
      if (length + n > bytes.length) {
        bytes = java.util.Arrays.copyOf(bytes, Math.max(bytes.length * 2, length + n));
      }
    }

    String utf8() {
      return new String(bytes, 0, length, StandardCharsets.UTF_8);
    }
  }

  private static final ThreadLocal<Buffer> BUFFER = ThreadLocal.withInitial(Buffer::new);

  /**
   * Serializes into this thread's reusable buffer; the result is valid until the next call on the
   * same thread.
   */
  static Buffer encode(Segment segment) {
    Buffer b = BUFFER.get();
    b.length = 0;
    if (b.bytes.length > 1 << 20) {
      b.bytes = new byte[4096]; // do not pin a huge buffer after an outsized document
    }
    try (JsonGenerator gen = Json.FACTORY.createGenerator(b)) {
      write(segment, gen);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return b;
  }

  /** A daemon datagram: the header line, a newline and the document. */
  public static byte[] toDatagram(Segment segment) {
    byte[] body = serializeBytes(segment);
    byte[] header = (DAEMON_HEADER + "\n").getBytes(StandardCharsets.US_ASCII);
    byte[] out = new byte[header.length + body.length];
    System.arraycopy(header, 0, out, 0, header.length);
    System.arraycopy(body, 0, out, header.length, body.length);
    return out;
  }

  /** Writes one document to a generator. */
  public static void write(Segment s, JsonGenerator g) throws IOException {
    g.writeStartObject();
    str(g, K.NAME, s.name());
    str(g, K.ID, s.id());
    str(g, K.TRACE_ID, s.traceId());
    str(g, K.PARENT_ID, s.parentId());
    str(g, K.TYPE, s.type());
    if (s.startTime() != null) {
      g.writeFieldName(K.START_TIME);
      Json.writePlain(g, s.startTime());
    }
    if (s.endTime() != null) {
      g.writeFieldName(K.END_TIME);
      Json.writePlain(g, s.endTime());
    }
    bool(g, K.IN_PROGRESS, s.inProgress());
    str(g, K.NAMESPACE, s.namespace());
    str(g, K.ORIGIN, s.origin());
    str(g, K.USER, s.user());
    str(g, K.RESOURCE_ARN, s.resourceArn());
    if (s.service() != null) {
      Service v = s.service();
      objectStart(g, K.SERVICE);
      str(g, K.VERSION, v.version());
      str(g, K.COMPILER_VERSION, v.compilerVersion());
      str(g, K.COMPILER, v.compiler());
      extra(g, v.extra());
      g.writeEndObject();
    }
    if (s.http() != null) {
      writeHttp(g, s.http());
    }
    if (s.aws() != null) {
      writeAws(g, s.aws());
    }
    if (s.sql() != null) {
      Sql q = s.sql();
      objectStart(g, K.SQL);
      str(g, K.URL, q.url());
      str(g, K.CONNECTION_STRING, q.connectionString());
      str(g, K.SANITIZED_QUERY, q.sanitizedQuery());
      str(g, K.DATABASE_TYPE, q.databaseType());
      str(g, K.DATABASE_VERSION, q.databaseVersion());
      str(g, K.DRIVER_VERSION, q.driverVersion());
      str(g, K.USER, q.user());
      str(g, K.PREPARATION, q.preparation());
      extra(g, q.extra());
      g.writeEndObject();
    }
    bool(g, K.ERROR, s.error());
    bool(g, K.FAULT, s.fault());
    bool(g, K.THROTTLE, s.throttle());
    if (s.cause() instanceof Cause.ExceptionId c) {
      str(g, K.CAUSE, c.id());
    } else if (s.cause() instanceof Cause.Details c) {
      writeCause(g, c);
    }
    JsonNode oddAnnotations = s.extra().get("annotations");
    if (s.annotations() != null) {
      objectStart(g, K.ANNOTATIONS);
      for (Map.Entry<String, AnnotationValue> e : s.annotations().entrySet()) {
        g.writeFieldName(e.getKey());
        writeAnnotation(g, e.getValue());
      }
      // Invalid annotation values parsed from input are written back in place.
      if (oddAnnotations != null && oddAnnotations.isObject()) {
        var it = oddAnnotations.properties().iterator();
        while (it.hasNext()) {
          var f = it.next();
          g.writeFieldName(f.getKey());
          Json.writeNode(g, f.getValue());
        }
      }
      g.writeEndObject();
    }
    if (s.metadata() != null) {
      objectStart(g, K.METADATA);
      Map<String, JsonNode> md = s.metadata();
      // Derived spans usually carry just "default": a lookup avoids the entry set and iterator.
      JsonNode onlyDefault = md.size() == 1 ? md.get("default") : null;
      if (onlyDefault != null) {
        g.writeFieldName(K.DEFAULT);
        Json.writeNode(g, onlyDefault);
      } else {
        for (Map.Entry<String, JsonNode> e : md.entrySet()) {
          g.writeFieldName(e.getKey());
          Json.writeNode(g, e.getValue());
        }
      }
      g.writeEndObject();
    }
    if (s.links() != null) {
      arrayStart(g, K.LINKS);
      for (Link l : s.links()) {
        g.writeStartObject();
        str(g, K.TRACE_ID, l.traceId());
        str(g, K.ID, l.id());
        if (l.attributes() != null) {
          objectStart(g, K.ATTRIBUTES);
          for (Map.Entry<String, JsonNode> e : l.attributes().entrySet()) {
            g.writeFieldName(e.getKey());
            Json.writeNode(g, e.getValue());
          }
          g.writeEndObject();
        }
        extra(g, l.extra());
        g.writeEndObject();
      }
      g.writeEndArray();
    }
    strList(g, K.PRECURSOR_IDS, s.precursorIds());
    bool(g, K.TRACED, s.traced());
    if (s.subsegments() != null) {
      arrayStart(g, K.SUBSEGMENTS);
      for (Segment sub : s.subsegments()) {
        write(sub, g);
      }
      g.writeEndArray();
    }
    if (!s.extra().isEmpty()) { // no iterator for the usual empty map
      for (Map.Entry<String, JsonNode> e : s.extra().entrySet()) {
        if (e.getKey().equals("annotations") && s.annotations() != null) {
          continue;
        }
        g.writeFieldName(e.getKey());
        Json.writeNode(g, e.getValue());
      }
    }
    g.writeEndObject();
  }

  static void writeAnnotation(JsonGenerator g, AnnotationValue v) throws IOException {
    if (v instanceof AnnotationValue.Str x) {
      g.writeString(x.value());
    } else if (v instanceof AnnotationValue.Int x) {
      g.writeNumber(x.value());
    } else if (v instanceof AnnotationValue.Dbl x) {
      if (Double.isFinite(x.value())) {
        g.writeNumber(x.value());
      } else {
        g.writeNull();
      }
    } else if (v instanceof AnnotationValue.Bool x) {
      g.writeBoolean(x.value());
    }
  }

  private static void writeHttp(JsonGenerator g, Http h) throws IOException {
    objectStart(g, K.HTTP);
    if (h.request() != null) {
      Http.Request r = h.request();
      objectStart(g, K.REQUEST);
      str(g, K.METHOD, r.method());
      str(g, K.URL, r.url());
      str(g, K.USER_AGENT, r.userAgent());
      str(g, K.CLIENT_IP, r.clientIp());
      bool(g, K.X_FORWARDED_FOR, r.xForwardedFor());
      bool(g, K.TRACED, r.traced());
      extra(g, r.extra());
      g.writeEndObject();
    }
    if (h.response() != null) {
      Http.Response r = h.response();
      objectStart(g, K.RESPONSE);
      lng(g, K.STATUS, r.status());
      lng(g, K.CONTENT_LENGTH, r.contentLength());
      extra(g, r.extra());
      g.writeEndObject();
    }
    extra(g, h.extra());
    g.writeEndObject();
  }

  private static void writeAws(JsonGenerator g, Aws a) throws IOException {
    objectStart(g, K.AWS);
    str(g, K.ACCOUNT_ID, a.accountId());
    str(g, K.OPERATION, a.operation());
    str(g, K.REGION, a.region());
    str(g, K.REQUEST_ID, a.requestId());
    str(g, K.QUEUE_URL, a.queueUrl());
    str(g, K.TABLE_NAME, a.tableName());
    strList(g, K.TABLE_NAMES, a.tableNames());
    lng(g, K.RETRIES, a.retries());
    if (a.ec2() != null) {
      Aws.Ec2 e = a.ec2();
      g.writeObjectFieldStart("ec2");
      str(g, K.INSTANCE_ID, e.instanceId());
      str(g, K.INSTANCE_SIZE, e.instanceSize());
      str(g, K.AMI_ID, e.amiId());
      str(g, K.AVAILABILITY_ZONE, e.availabilityZone());
      extra(g, e.extra());
      g.writeEndObject();
    }
    if (a.ecs() != null) {
      Aws.Ecs e = a.ecs();
      objectStart(g, K.ECS);
      str(g, K.CONTAINER, e.container());
      str(g, K.CONTAINER_ID, e.containerId());
      str(g, K.CONTAINER_ARN, e.containerArn());
      str(g, K.TASK_ARN, e.taskArn());
      str(g, K.TASK_FAMILY, e.taskFamily());
      str(g, K.CLUSTER_ARN, e.clusterArn());
      str(g, K.AVAILABILITY_ZONE, e.availabilityZone());
      str(g, K.LAUNCH_TYPE, e.launchType());
      extra(g, e.extra());
      g.writeEndObject();
    }
    if (a.eks() != null) {
      Aws.Eks e = a.eks();
      objectStart(g, K.EKS);
      str(g, K.POD, e.pod());
      str(g, K.CLUSTER_NAME, e.clusterName());
      str(g, K.CONTAINER_ID, e.containerId());
      extra(g, e.extra());
      g.writeEndObject();
    }
    if (a.elasticBeanstalk() != null) {
      Aws.ElasticBeanstalk e = a.elasticBeanstalk();
      objectStart(g, K.ELASTIC_BEANSTALK);
      str(g, K.ENVIRONMENT_NAME, e.environmentName());
      str(g, K.VERSION_LABEL, e.versionLabel());
      lng(g, K.DEPLOYMENT_ID, e.deploymentId());
      extra(g, e.extra());
      g.writeEndObject();
    }
    if (a.xray() != null) {
      Aws.XRaySdk e = a.xray();
      objectStart(g, K.XRAY);
      str(g, K.SDK, e.sdk());
      str(g, K.SDK_VERSION, e.sdkVersion());
      bool(g, K.AUTO_INSTRUMENTATION, e.autoInstrumentation());
      extra(g, e.extra());
      g.writeEndObject();
    }
    if (a.cloudwatchLogs() != null) {
      arrayStart(g, K.CLOUDWATCH_LOGS);
      for (Aws.CloudWatchLog l : a.cloudwatchLogs()) {
        g.writeStartObject();
        str(g, K.LOG_GROUP, l.logGroup());
        str(g, K.ARN, l.arn());
        extra(g, l.extra());
        g.writeEndObject();
      }
      g.writeEndArray();
    }
    extra(g, a.extra());
    g.writeEndObject();
  }

  private static void writeCause(JsonGenerator g, Cause.Details c) throws IOException {
    objectStart(g, K.CAUSE);
    str(g, K.WORKING_DIRECTORY, c.workingDirectory());
    strList(g, K.PATHS, c.paths());
    if (c.exceptions() != null) {
      arrayStart(g, K.EXCEPTIONS);
      for (ExceptionDetail e : c.exceptions()) {
        writeException(g, e);
      }
      g.writeEndArray();
    }
    extra(g, c.extra());
    g.writeEndObject();
  }

  static void writeException(JsonGenerator g, ExceptionDetail e) throws IOException {
    g.writeStartObject();
    str(g, K.ID, e.id());
    str(g, K.MESSAGE, e.message());
    str(g, K.TYPE, e.type());
    bool(g, K.REMOTE, e.remote());
    lng(g, K.TRUNCATED, e.truncated());
    lng(g, K.SKIPPED, e.skipped());
    str(g, K.CAUSE, e.cause());
    if (e.stack() != null) {
      writeStack(g, e.stack());
    }
    extra(g, e.extra());
    g.writeEndObject();
  }

  static void writeStack(JsonGenerator g, List<StackFrame> stack) throws IOException {
    arrayStart(g, K.STACK);
    for (StackFrame f : stack) {
      g.writeStartObject();
      str(g, K.PATH, f.path());
      lng(g, K.LINE, f.line());
      str(g, K.LABEL, f.label());
      extra(g, f.extra());
      g.writeEndObject();
    }
    g.writeEndArray();
  }

  private static void str(JsonGenerator g, SerializableString key, String v) throws IOException {
    if (v != null) {
      g.writeFieldName(key);
      g.writeString(v);
    }
  }

  private static void bool(JsonGenerator g, SerializableString key, Boolean v) throws IOException {
    if (v != null) {
      g.writeFieldName(key);
      g.writeBoolean(v);
    }
  }

  private static void lng(JsonGenerator g, SerializableString key, Long v) throws IOException {
    if (v != null) {
      g.writeFieldName(key);
      g.writeNumber(v);
    }
  }

  private static void strList(JsonGenerator g, SerializableString key, List<String> v)
      throws IOException {
    if (v != null) {
      arrayStart(g, key);
      for (String x : v) {
        g.writeString(x);
      }
      g.writeEndArray();
    }
  }

  private static void extra(JsonGenerator g, Map<String, JsonNode> extra) throws IOException {
    if (extra.isEmpty()) {
      return; // no iterator for the usual empty map
    }
    for (Map.Entry<String, JsonNode> e : extra.entrySet()) {
      g.writeFieldName(e.getKey());
      Json.writeNode(g, e.getValue());
    }
  }

  private static void objectStart(JsonGenerator g, SerializableString key) throws IOException {
    g.writeFieldName(key);
    g.writeStartObject();
  }

  private static void arrayStart(JsonGenerator g, SerializableString key) throws IOException {
    g.writeFieldName(key);
    g.writeStartArray();
  }

  /**
   * Member names, encoded once: the generator copies their quoted UTF-8 bytes instead of escaping
   * each name character by character on every write.
   */
  private static final class K {
    static final SerializableString NAME = new SerializedString("name");
    static final SerializableString ID = new SerializedString("id");
    static final SerializableString TRACE_ID = new SerializedString("trace_id");
    static final SerializableString PARENT_ID = new SerializedString("parent_id");
    static final SerializableString TYPE = new SerializedString("type");
    static final SerializableString IN_PROGRESS = new SerializedString("in_progress");
    static final SerializableString NAMESPACE = new SerializedString("namespace");
    static final SerializableString ORIGIN = new SerializedString("origin");
    static final SerializableString USER = new SerializedString("user");
    static final SerializableString RESOURCE_ARN = new SerializedString("resource_arn");
    static final SerializableString VERSION = new SerializedString("version");
    static final SerializableString COMPILER_VERSION = new SerializedString("compiler_version");
    static final SerializableString COMPILER = new SerializedString("compiler");
    static final SerializableString URL = new SerializedString("url");
    static final SerializableString CONNECTION_STRING = new SerializedString("connection_string");
    static final SerializableString SANITIZED_QUERY = new SerializedString("sanitized_query");
    static final SerializableString DATABASE_TYPE = new SerializedString("database_type");
    static final SerializableString DATABASE_VERSION = new SerializedString("database_version");
    static final SerializableString DRIVER_VERSION = new SerializedString("driver_version");
    static final SerializableString PREPARATION = new SerializedString("preparation");
    static final SerializableString ERROR = new SerializedString("error");
    static final SerializableString FAULT = new SerializedString("fault");
    static final SerializableString THROTTLE = new SerializedString("throttle");
    static final SerializableString PRECURSOR_IDS = new SerializedString("precursor_ids");
    static final SerializableString TRACED = new SerializedString("traced");
    static final SerializableString METHOD = new SerializedString("method");
    static final SerializableString USER_AGENT = new SerializedString("user_agent");
    static final SerializableString CLIENT_IP = new SerializedString("client_ip");
    static final SerializableString X_FORWARDED_FOR = new SerializedString("x_forwarded_for");
    static final SerializableString STATUS = new SerializedString("status");
    static final SerializableString CONTENT_LENGTH = new SerializedString("content_length");
    static final SerializableString ACCOUNT_ID = new SerializedString("account_id");
    static final SerializableString OPERATION = new SerializedString("operation");
    static final SerializableString REGION = new SerializedString("region");
    static final SerializableString REQUEST_ID = new SerializedString("request_id");
    static final SerializableString QUEUE_URL = new SerializedString("queue_url");
    static final SerializableString TABLE_NAME = new SerializedString("table_name");
    static final SerializableString TABLE_NAMES = new SerializedString("table_names");
    static final SerializableString RETRIES = new SerializedString("retries");
    static final SerializableString INSTANCE_ID = new SerializedString("instance_id");
    static final SerializableString INSTANCE_SIZE = new SerializedString("instance_size");
    static final SerializableString AMI_ID = new SerializedString("ami_id");
    static final SerializableString AVAILABILITY_ZONE = new SerializedString("availability_zone");
    static final SerializableString CONTAINER = new SerializedString("container");
    static final SerializableString CONTAINER_ID = new SerializedString("container_id");
    static final SerializableString CONTAINER_ARN = new SerializedString("container_arn");
    static final SerializableString TASK_ARN = new SerializedString("task_arn");
    static final SerializableString TASK_FAMILY = new SerializedString("task_family");
    static final SerializableString CLUSTER_ARN = new SerializedString("cluster_arn");
    static final SerializableString LAUNCH_TYPE = new SerializedString("launch_type");
    static final SerializableString POD = new SerializedString("pod");
    static final SerializableString CLUSTER_NAME = new SerializedString("cluster_name");
    static final SerializableString ENVIRONMENT_NAME = new SerializedString("environment_name");
    static final SerializableString VERSION_LABEL = new SerializedString("version_label");
    static final SerializableString DEPLOYMENT_ID = new SerializedString("deployment_id");
    static final SerializableString SDK = new SerializedString("sdk");
    static final SerializableString SDK_VERSION = new SerializedString("sdk_version");
    static final SerializableString AUTO_INSTRUMENTATION =
        new SerializedString("auto_instrumentation");
    static final SerializableString LOG_GROUP = new SerializedString("log_group");
    static final SerializableString ARN = new SerializedString("arn");
    static final SerializableString WORKING_DIRECTORY = new SerializedString("working_directory");
    static final SerializableString PATHS = new SerializedString("paths");
    static final SerializableString MESSAGE = new SerializedString("message");
    static final SerializableString REMOTE = new SerializedString("remote");
    static final SerializableString TRUNCATED = new SerializedString("truncated");
    static final SerializableString SKIPPED = new SerializedString("skipped");
    static final SerializableString CAUSE = new SerializedString("cause");
    static final SerializableString PATH = new SerializedString("path");
    static final SerializableString LINE = new SerializedString("line");
    static final SerializableString LABEL = new SerializedString("label");
    static final SerializableString START_TIME = new SerializedString("start_time");
    static final SerializableString END_TIME = new SerializedString("end_time");
    static final SerializableString DEFAULT = new SerializedString("default");
    static final SerializableString SERVICE = new SerializedString("service");
    static final SerializableString SQL = new SerializedString("sql");
    static final SerializableString ANNOTATIONS = new SerializedString("annotations");
    static final SerializableString METADATA = new SerializedString("metadata");
    static final SerializableString ATTRIBUTES = new SerializedString("attributes");
    static final SerializableString HTTP = new SerializedString("http");
    static final SerializableString REQUEST = new SerializedString("request");
    static final SerializableString RESPONSE = new SerializedString("response");
    static final SerializableString AWS = new SerializedString("aws");
    static final SerializableString ECS = new SerializedString("ecs");
    static final SerializableString EKS = new SerializedString("eks");
    static final SerializableString ELASTIC_BEANSTALK = new SerializedString("elastic_beanstalk");
    static final SerializableString XRAY = new SerializedString("xray");
    static final SerializableString LINKS = new SerializedString("links");
    static final SerializableString SUBSEGMENTS = new SerializedString("subsegments");
    static final SerializableString CLOUDWATCH_LOGS = new SerializedString("cloudwatch_logs");
    static final SerializableString EXCEPTIONS = new SerializedString("exceptions");
    static final SerializableString STACK = new SerializedString("stack");

    private K() {}
  }
}
