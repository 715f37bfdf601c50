package io.raybridge.xray;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;

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
            .streamReadConstraints(
                StreamReadConstraints.builder().maxNestingDepth(MAX_NESTING_DEPTH).build())
            .build();
    return new ObjectMapper(factory);
  }

  /** Compact JSON text of a tree. */
  static String write(JsonNode node) {
    try {
      return MAPPER.writeValueAsString(node);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Parses JSON text into a tree, or returns null if it is not valid JSON. */
  static JsonNode tryParse(String text) {
    try {
      return MAPPER.readTree(text);
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
    gen.writeNumber(plain(d));
  }

  static String plain(double d) {
    String s = Double.toString(d);
    int e = s.indexOf('E');
    if (e < 0) {
      return s.endsWith(".0") ? s.substring(0, s.length() - 2) : s;
    }
    int exp = Integer.parseInt(s.substring(e + 1));
    boolean negative = s.charAt(0) == '-';
    String mantissa = s.substring(negative ? 1 : 0, e);
    int dot = mantissa.indexOf('.');
    String digits = mantissa.substring(0, dot) + mantissa.substring(dot + 1);
    int point = dot + exp; // position of the decimal point within digits
    StringBuilder out = new StringBuilder(digits.length() + Math.abs(exp) + 3);
    if (negative) {
      out.append('-');
    }
    if (point <= 0) {
      out.append("0.");
      for (int i = 0; i < -point; i++) {
        out.append('0');
      }
      out.append(digits);
    } else if (point >= digits.length()) {
      out.append(digits);
      for (int i = digits.length(); i < point; i++) {
        out.append('0');
      }
    } else {
      out.append(digits, 0, point).append('.').append(digits, point, digits.length());
    }
    // Strip trailing zeros of the fraction ("1.50" cannot occur, but "1.0" can for point==len-1).
    int len = out.length();
    if (out.indexOf(".") >= 0) {
      while (out.charAt(len - 1) == '0') {
        len--;
      }
      if (out.charAt(len - 1) == '.') {
        len--;
      }
      out.setLength(len);
    }
    return out.toString();
  }

  static String toJson(JsonWriterBody body) {
    StringWriter w = new StringWriter(256);
    try (JsonGenerator gen = FACTORY.createGenerator(w)) {
      body.write(gen);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return w.toString();
  }

  @FunctionalInterface
  interface JsonWriterBody {
    void write(JsonGenerator gen) throws IOException;
  }
}
