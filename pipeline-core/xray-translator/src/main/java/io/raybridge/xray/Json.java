package io.raybridge.xray;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.util.Map;

/** The shared Jackson setup and number formatting. */
final class Json {
  /** JSON nesting limit; each subsegment level costs two (array and object). */
  static final int MAX_NESTING_DEPTH = 1000;

  static final ObjectMapper MAPPER = createMapper();
  static final JsonFactory FACTORY = MAPPER.getFactory();
  static final JsonNodeFactory NODES = JsonNodeFactory.instance;

  private Json() {}

  private static ObjectMapper createMapper() {
    JsonFactory factory =
        JsonFactory.builder()
            // Correctly rounded like Double.parseDouble, without an intermediate String.
            .enable(StreamReadFeature.USE_FAST_DOUBLE_PARSER)
            .streamReadConstraints(
                StreamReadConstraints.builder().maxNestingDepth(MAX_NESTING_DEPTH).build())
            .build();
    return new ObjectMapper(factory);
  }

  /** Compact JSON text of a tree. */
  static String write(JsonNode node) {
    TextSink sink = TEXT_SINK.get();
    if (sink.inUse) {
      return toJson(gen -> writeNode(gen, node));
    }
    sink.open();
    try (JsonGenerator gen = FACTORY.createGenerator(sink)) {
      writeNode(gen, node);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } finally {
      sink.inUse = false;
    }
    return sink.text.toString();
  }

  /**
   * Writes a tree directly; unlike {@code ObjectMapper.writeTree} this creates no serializer
   * provider per call.
   */
  static void writeNode(JsonGenerator g, JsonNode n) throws IOException {
    switch (n.getNodeType()) {
      case OBJECT -> {
        g.writeStartObject();
        for (Map.Entry<String, JsonNode> e : n.properties()) {
          g.writeFieldName(e.getKey());
          writeNode(g, e.getValue());
        }
        g.writeEndObject();
      }
      case ARRAY -> {
        g.writeStartArray();
        for (JsonNode e : n) {
          writeNode(g, e);
        }
        g.writeEndArray();
      }
      case STRING -> g.writeString(n.textValue());
      case BOOLEAN -> g.writeBoolean(n.booleanValue());
      case NULL, MISSING -> g.writeNull();
      case NUMBER -> {
        switch (n.numberType()) {
          case INT, LONG -> g.writeNumber(n.longValue());
          case BIG_INTEGER -> g.writeNumber(n.bigIntegerValue());
          case BIG_DECIMAL -> g.writeNumber(n.decimalValue());
          default -> {
            double d = n.doubleValue();
            if (Double.isFinite(d)) {
              g.writeNumber(d);
            } else {
              g.writeString(Double.toString(d));
            }
          }
        }
      }
      default -> {
        if (n instanceof SpanToSegment.DeferredDefaults deferred) {
          deferred.write(g);
        } else {
          g.writeTree(n);
        }
      }
    }
  }

  /**
   * Reads the value at the parser's current token as a tree; unlike {@code readValueAsTree} this
   * creates no deserialization context per call.
   */
  static JsonNode readNode(JsonParser p) throws IOException {
    JsonToken t = p.currentToken();
    switch (t) {
      case START_OBJECT -> {
        ObjectNode o = NODES.objectNode();
        while (p.nextToken() == JsonToken.FIELD_NAME) {
          String k = p.currentName();
          p.nextToken();
          o.set(k, readNode(p));
        }
        return o;
      }
      case START_ARRAY -> {
        ArrayNode a = NODES.arrayNode();
        while (p.nextToken() != JsonToken.END_ARRAY) {
          a.add(readNode(p));
        }
        return a;
      }
      case VALUE_STRING -> {
        return NODES.textNode(p.getText());
      }
      case VALUE_TRUE -> {
        return NODES.booleanNode(true);
      }
      case VALUE_FALSE -> {
        return NODES.booleanNode(false);
      }
      case VALUE_NULL -> {
        return NODES.nullNode();
      }
      case VALUE_NUMBER_INT -> {
        return switch (p.getNumberType()) {
          case INT -> NODES.numberNode(p.getIntValue());
          case LONG -> NODES.numberNode(p.getLongValue());
          default -> NODES.numberNode(p.getBigIntegerValue());
        };
      }
      case VALUE_NUMBER_FLOAT -> {
        return NODES.numberNode(p.getDoubleValue());
      }
      default -> throw new IOException("unexpected token " + t);
    }
  }

  /** Parses JSON text into a tree, or returns null if it is not valid JSON. */
  static JsonNode tryParse(String text) {
    try (JsonParser p = FACTORY.createParser(text)) {
      if (p.nextToken() == null) {
        return null;
      }
      JsonNode n = readNode(p);
      return p.nextToken() == null ? n : null;
    } catch (IOException e) {
      return null;
    }
  }

  /**
   * Writes a double in plain (non-exponent) notation with the shortest digits that round-trip, as
   * X-Ray examples do ({@code 1480615200.01}).
   */
  static void writePlain(JsonGenerator gen, double d) throws IOException {
    if (!Double.isFinite(d)) {
      gen.writeNull();
      return;
    }
    char[] buf = PLAIN_BUFFER.get();
    gen.writeNumber(buf, 0, plainInto(d, buf));
  }

  static String plain(double d) {
    char[] buf = PLAIN_BUFFER.get();
    return new String(buf, 0, plainInto(d, buf));
  }

  /**
   * Epoch seconds to nanoseconds through the shortest decimal form, so that {@code
   * 1480615200.0102346} becomes exactly {@code 1480615200010234600}.
   */
  static long plainNanos(double seconds) {
    long fast = EpochDecimal.nanos(seconds);
    if (fast >= 0) {
      return fast;
    }
    char[] p = PLAIN_BUFFER.get();
    int len = plainInto(seconds, p);
    long secs = 0;
    int i = 0;
    for (; i < len && p[i] != '.'; i++) {
      secs = secs * 10 + (p[i] - '0');
    }
    long frac = 0;
    int digits = 0;
    for (i++; i < len && digits < 9; i++, digits++) {
      frac = frac * 10 + (p[i] - '0');
    }
    boolean roundUp = i < len && p[i] >= '5';
    for (; digits < 9; digits++) {
      frac *= 10;
    }
    return secs * 1_000_000_000L + frac + (roundUp ? 1 : 0);
  }

  private static final int PLAIN_MAX = 400;
  private static final ThreadLocal<char[]> PLAIN_BUFFER =
      ThreadLocal.withInitial(() -> new char[PLAIN_MAX]);

  /** Formats a finite double into {@code out}; returns the length. */
  private static int plainInto(double d, char[] out) {
    long nanos = EpochDecimal.nanos(d);
    if (nanos >= 0) {
      return plainNanosInto(nanos, out);
    }
    // StringBuilder.append(double) formats exactly like Double.toString without creating a String.
    StringBuilder s = DOUBLE_TEXT.get();
    s.setLength(0);
    s.append(d);
    int e = indexOf(s, 'E');
    int n = 0;
    if (e < 0) {
      int sl = s.length();
      int len = sl >= 2 && s.charAt(sl - 2) == '.' && s.charAt(sl - 1) == '0' ? sl - 2 : sl;
      s.getChars(0, len, out, 0);
      return len;
    }
    int exp = Integer.parseInt(s, e + 1, s.length(), 10);
    int start = 0;
    if (s.charAt(0) == '-') {
      out[n++] = '-';
      start = 1;
    }
    // Mantissa digits without the point: s[start] and s[start+2 .. e).
    int dot = start + 1;
    int digitCount = e - start - 1;
    int point = 1 + exp; // decimal point position within the digits
    if (point <= 0) {
      out[n++] = '0';
      out[n++] = '.';
      for (int i = 0; i < -point; i++) {
        out[n++] = '0';
      }
      for (int i = 0; i < digitCount; i++) {
        out[n++] = digitAt(s, start, dot, i);
      }
    } else {
      for (int i = 0; i < Math.max(point, digitCount); i++) {
        if (i == point) {
          out[n++] = '.';
        }
        out[n++] = i < digitCount ? digitAt(s, start, dot, i) : '0';
      }
    }
    // Strip trailing zeros of a fraction, and a bare point.
    boolean fraction = false;
    for (int i = 0; i < n; i++) {
      fraction |= out[i] == '.';
    }
    if (fraction) {
      while (out[n - 1] == '0') {
        n--;
      }
      if (out[n - 1] == '.') {
        n--;
      }
    }
    return n;
  }

  /** Writes non-negative nanoseconds as seconds with the fraction's trailing zeros removed. */
  private static int plainNanosInto(long nanos, char[] out) {
    long secs = nanos / 1_000_000_000L;
    int frac = (int) (nanos - secs * 1_000_000_000L);
    int n = 0;
    if (secs == 0) {
      out[n++] = '0';
    } else {
      int digits = 0;
      for (long v = secs; v != 0; v /= 10) {
        digits++;
      }
      for (int i = digits - 1; i >= 0; i--, secs /= 10) {
        out[n + i] = (char) ('0' + secs % 10);
      }
      n += digits;
    }
    if (frac != 0) {
      int width = 9;
      while (frac % 10 == 0) {
        frac /= 10;
        width--;
      }
      out[n++] = '.';
      for (int i = width - 1; i >= 0; i--, frac /= 10) {
        out[n + i] = (char) ('0' + frac % 10);
      }
      n += width;
    }
    return n;
  }

  private static final ThreadLocal<StringBuilder> DOUBLE_TEXT =
      ThreadLocal.withInitial(() -> new StringBuilder(32));

  private static int indexOf(CharSequence s, char c) {
    for (int i = 0; i < s.length(); i++) {
      if (s.charAt(i) == c) {
        return i;
      }
    }
    return -1;
  }

  private static char digitAt(CharSequence s, int start, int dot, int i) {
    return i == 0 ? s.charAt(start) : s.charAt(dot + i);
  }

  static String toJson(JsonWriterBody body) {
    TextSink sink = TEXT_SINK.get();
    if (sink.inUse) {
      StringWriter w = new StringWriter(256);
      try (JsonGenerator gen = FACTORY.createGenerator(w)) {
        body.write(gen);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
      return w.toString();
    }
    sink.open();
    try (JsonGenerator gen = FACTORY.createGenerator(sink)) {
      body.write(gen);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } finally {
      sink.inUse = false;
    }
    return sink.text.toString();
  }

  /**
   * A per-thread character sink for JSON text, so that writing small trees (attribute values)
   * allocates only the resulting String rather than a fresh StringWriter and its buffer each time.
   */
  private static final class TextSink extends Writer {
    private static final int MAX_RETAINED = 1 << 20;

    StringBuilder text = new StringBuilder(256);
    boolean inUse;

    void open() {
      inUse = true;
      if (text.capacity() > MAX_RETAINED) {
        text = new StringBuilder(256); // do not pin a huge buffer after an outsized value
      }
      text.setLength(0);
    }

    @Override
    public void write(char[] cbuf, int off, int len) {
      text.append(cbuf, off, len);
    }

    @Override
    public void write(int c) {
      text.append((char) c);
    }

    @Override
    public void write(String str, int off, int len) {
      text.append(str, off, off + len);
    }

    @Override
    public void flush() {}

    @Override
    public void close() {}
  }

  private static final ThreadLocal<TextSink> TEXT_SINK = ThreadLocal.withInitial(TextSink::new);

  @FunctionalInterface
  interface JsonWriterBody {
    void write(JsonGenerator gen) throws IOException;
  }
}
