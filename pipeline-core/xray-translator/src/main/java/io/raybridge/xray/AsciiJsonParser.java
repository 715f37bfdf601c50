package io.raybridge.xray;

import com.fasterxml.jackson.core.Base64Variant;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonStreamContext;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.ObjectCodec;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.Version;
import com.fasterxml.jackson.core.base.ParserMinimalBase;
import com.fasterxml.jackson.core.io.NumberInput;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * A {@link com.fasterxml.jackson.core.JsonParser} for the common segment document: strict JSON in
 * plain ASCII, shallow, with numbers that fit a {@code long}. It yields the same tokens and values
 * as Jackson's own byte parser, so {@link SegmentCodec}'s readers run on it unchanged, and costs
 * about half as much: no encoding detection, no per-document context objects, field names shared
 * through a small per-thread table, strings copied once as Latin-1.
 *
 * <p>Anything outside that subset, including every malformed input, makes it throw {@link Fallback}
 * at once; the caller then parses the document again with Jackson, which also produces the error
 * message. So this parser never decides whether a document is valid, and never accepts anything
 * that Jackson would refuse.
 *
 * <p>Only what the segment readers call is supported: {@link #nextToken}, {@link #currentToken},
 * {@link #currentName} on a name or a scalar value, {@link #getText} on strings and names, and the
 * number getters; everything else throws {@link Fallback}. One instance per thread, reset for each
 * document ({@link #acquire}); with its tables of recent names and short values it keeps about 60
 * KB per parsing thread.
 */
final class AsciiJsonParser extends ParserMinimalBase {

  /** Thrown where this parser does not handle the input; parse it again with Jackson. */
  static final class Fallback extends RuntimeException {
    private static final long serialVersionUID = 1L;

    static final Fallback INSTANCE = new Fallback();

    private Fallback() {
      super("outside the fast parser's subset", null, false, false);
    }
  }

  /** Deeper documents are left to Jackson, which enforces the configured nesting limit. */
  private static final int MAX_DEPTH = 64;

  /** Numbers longer than this are left to Jackson and its number-length limit. */
  private static final int MAX_NUMBER_LENGTH = 64;

  private static final int NAME_SLOTS = 256; // a power of two
  private static final int NAME_PROBES = 4;
  private static final int VALUE_SLOTS = 512; // a power of two
  private static final int MAX_CACHED_VALUE = 40;
  private static final int MAX_CACHED_NAME = 48;

  private static final double[] POW10 = {
    1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15, 1e16,
    1e17, 1e18, 1e19, 1e20, 1e21, 1e22
  };

  private static final ThreadLocal<AsciiJsonParser> PER_THREAD =
      ThreadLocal.withInitial(AsciiJsonParser::new);

  private byte[] in;
  private int pos;
  private int end;
  private boolean inUse;
  private boolean started;

  /** Whether each open container is an object (else an array); index = depth - 1. */
  private final boolean[] objects = new boolean[MAX_DEPTH];

  private int depth;

  /** The latest field name; valid while the current token is that name or its scalar value. */
  private String name;

  // The current string token: its bytes, or its decoded text if it had escapes.
  private int textStart;
  private int textLength;
  private String escapedText;

  // The current number token.
  private long significand;
  private int exponent10;
  private boolean negative;
  private boolean exact; // significand and exponent give the double exactly (Clinger's fast path)
  private int numberStart;
  private int numberEnd;

  private final String[] names = new String[NAME_SLOTS];
  private final byte[][] nameBytes = new byte[NAME_SLOTS][];
  private final String[] values = new String[VALUE_SLOTS];
  private final StringBuilder unescaped = new StringBuilder(64);

  private AsciiJsonParser() {
    super(StreamReadConstraints.defaults());
  }

  /** The thread's parser, reset to {@code bytes[offset, offset+length)}; null if already in use. */
  static AsciiJsonParser acquire(byte[] bytes, int offset, int length) {
    AsciiJsonParser p = PER_THREAD.get();
    if (p.inUse) {
      return null;
    }
    p.inUse = true;
    p.in = bytes;
    p.pos = offset;
    p.end = offset + length;
    p.started = false;
    p.depth = 0;
    p.name = null;
    p.escapedText = null;
    p._currToken = null;
    return p;
  }

  /** Ends the use that {@link #acquire} began; the input is no longer referenced. */
  void release() {
    in = null;
    inUse = false;
  }

  private static Fallback fallback() {
    return Fallback.INSTANCE;
  }

  // ------------------------------------------------------------------------------------------
  // Tokens

  @Override
  public JsonToken nextToken() {
    int c = skipWhitespace();
    if (depth == 0) {
      if (started) {
        if (c >= 0) {
          throw fallback(); // trailing data
        }
        return _currToken = null;
      }
      if (c < 0) {
        throw fallback(); // empty document
      }
      started = true;
      return _currToken = value(c);
    }
    JsonToken last = _currToken;
    if (objects[depth - 1]) {
      if (last == JsonToken.FIELD_NAME) {
        if (c != ':') {
          throw fallback();
        }
        pos++;
        return _currToken = value(skipWhitespace());
      }
      if (c == '}') {
        pos++;
        depth--;
        return _currToken = JsonToken.END_OBJECT;
      }
      if (last != JsonToken.START_OBJECT) {
        if (c != ',') {
          throw fallback();
        }
        pos++;
        c = skipWhitespace();
      }
      if (c != '"') {
        throw fallback();
      }
      pos++;
      name = readName();
      return _currToken = JsonToken.FIELD_NAME;
    }
    if (c == ']') {
      pos++;
      depth--;
      return _currToken = JsonToken.END_ARRAY;
    }
    if (last != JsonToken.START_ARRAY) {
      if (c != ',') {
        throw fallback();
      }
      pos++;
      c = skipWhitespace();
    }
    return _currToken = value(c);
  }

  /** The next byte that is not JSON white space, not consumed; -1 at the end. */
  private int skipWhitespace() {
    byte[] b = in;
    int p = pos;
    if (p < end && (b[p] & 0xff) > ' ') {
      return b[p] & 0xff; // the common case: no white space between tokens
    }
    while (p < end) {
      int c = b[p];
      if (c != ' ' && c != '\n' && c != '\r' && c != '\t') {
        pos = p;
        return c & 0xff;
      }
      p++;
    }
    pos = p;
    return -1;
  }

  private JsonToken value(int c) {
    switch (c) {
      case '{' -> {
        open(true);
        return JsonToken.START_OBJECT;
      }
      case '[' -> {
        open(false);
        return JsonToken.START_ARRAY;
      }
      case '"' -> {
        pos++;
        readString();
        return JsonToken.VALUE_STRING;
      }
      case 't' -> {
        literal('t', 'r', 'u', 'e');
        return JsonToken.VALUE_TRUE;
      }
      case 'f' -> {
        literal('f', 'a', 'l', 's', 'e');
        return JsonToken.VALUE_FALSE;
      }
      case 'n' -> {
        literal('n', 'u', 'l', 'l');
        return JsonToken.VALUE_NULL;
      }
      default -> {
        if (c == '-' || (c >= '0' && c <= '9')) {
          return readNumber();
        }
        throw fallback();
      }
    }
  }

  private void open(boolean object) {
    if (depth == MAX_DEPTH) {
      throw fallback();
    }
    objects[depth++] = object;
    pos++;
  }

  private void literal(char... text) {
    if (end - pos < text.length) {
      throw fallback();
    }
    for (int i = 0; i < text.length; i++) {
      if (in[pos + i] != text[i]) {
        throw fallback();
      }
    }
    pos += text.length;
    // What follows must end the token; the next call checks for a separator.
    if (pos < end) {
      int c = in[pos];
      if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')) {
        throw fallback();
      }
    }
  }

  // ------------------------------------------------------------------------------------------
  // Strings

  /** Reads a string body after its opening quote. */
  private void readString() {
    byte[] b = in;
    int start = pos;
    int p = start;
    while (p < end) {
      int c = b[p];
      if (c == '"') {
        textStart = start;
        textLength = p - start;
        escapedText = null;
        pos = p + 1;
        return;
      }
      if (c == '\\') {
        pos = p;
        escapedText = readEscaped(start);
        return;
      }
      if (c < 0x20) { // a control character, or (negative) a byte of a non-ASCII character
        throw fallback();
      }
      p++;
    }
    throw fallback();
  }

  /** Continues a string that has an escape at {@code pos}; returns its text. */
  private String readEscaped(int start) {
    StringBuilder s = unescaped;
    s.setLength(0);
    for (int i = start; i < pos; i++) {
      s.append((char) in[i]);
    }
    byte[] b = in;
    int p = pos;
    while (p < end) {
      int c = b[p++];
      if (c == '"') {
        pos = p;
        return s.toString();
      }
      if (c < 0x20) {
        throw fallback();
      }
      if (c != '\\') {
        s.append((char) c);
        continue;
      }
      if (p >= end) {
        throw fallback();
      }
      int e = b[p++];
      switch (e) {
        case '"', '\\', '/' -> s.append((char) e);
        case 'b' -> s.append('\b');
        case 'f' -> s.append('\f');
        case 'n' -> s.append('\n');
        case 'r' -> s.append('\r');
        case 't' -> s.append('\t');
        case 'u' -> {
          if (end - p < 4) {
            throw fallback();
          }
          int v = 0;
          for (int k = 0; k < 4; k++) {
            int d = Character.digit(b[p++], 16);
            if (d < 0) {
              throw fallback();
            }
            v = (v << 4) | d;
          }
          s.append((char) v);
        }
        default -> throw fallback();
      }
    }
    throw fallback();
  }

  /** Reads a field name after its opening quote, shared through the thread's name table. */
  private String readName() {
    byte[] b = in;
    int start = pos;
    int p = start;
    int h = 0;
    while (p < end) {
      int c = b[p];
      if (c == '"') {
        pos = p + 1;
        return name(start, p - start, h);
      }
      if (c == '\\') {
        pos = p;
        return readEscaped(start);
      }
      if (c < 0x20) {
        throw fallback();
      }
      h = 31 * h + c;
      p++;
    }
    throw fallback();
  }

  private String name(int start, int length, int hash) {
    if (length > MAX_CACHED_NAME) {
      return new String(in, start, length, StandardCharsets.ISO_8859_1);
    }
    int home = (hash ^ (hash >>> 9)) & (NAME_SLOTS - 1);
    for (int probe = 0; probe < NAME_PROBES; probe++) {
      int slot = (home + probe) & (NAME_SLOTS - 1);
      byte[] known = nameBytes[slot];
      if (known == null) {
        return remember(slot, start, length);
      }
      if (known.length == length && Arrays.equals(known, 0, length, in, start, start + length)) {
        return names[slot];
      }
    }
    // The neighbourhood is full: the newest name takes the home slot.
    return remember(home, start, length);
  }

  private String remember(int slot, int start, int length) {
    String made = new String(in, start, length, StandardCharsets.ISO_8859_1);
    nameBytes[slot] = Arrays.copyOfRange(in, start, start + length);
    names[slot] = made;
    return made;
  }

  /**
   * A string value: short ones go through a direct-mapped table of recent values, because documents
   * of one source repeat most of them (methods, regions, SDK names, origins). A miss costs one
   * comparison; the made string then takes the slot.
   */
  private String value(int start, int length) {
    if (length > MAX_CACHED_VALUE) {
      return new String(in, start, length, StandardCharsets.ISO_8859_1);
    }
    byte[] b = in;
    int h = length;
    for (int i = start; i < start + length; i++) {
      h = 31 * h + b[i];
    }
    int slot = (h ^ (h >>> 11)) & (VALUE_SLOTS - 1);
    String known = values[slot];
    if (known != null && sameText(known, b, start, length)) {
      return known;
    }
    String made = new String(b, start, length, StandardCharsets.ISO_8859_1);
    values[slot] = made;
    return made;
  }

  private static boolean sameText(String s, byte[] b, int start, int length) {
    if (s.length() != length) {
      return false;
    }
    for (int i = 0; i < length; i++) {
      if (s.charAt(i) != b[start + i]) {
        return false;
      }
    }
    return true;
  }

  // ------------------------------------------------------------------------------------------
  // Numbers

  private JsonToken readNumber() {
    byte[] b = in;
    int start = pos;
    int p = start;
    boolean neg = b[p] == '-';
    if (neg) {
      p++;
    }
    long w = 0; // the first 18 significant digits
    int significant = 0;
    int dropped = 0; // integer digits after those 18
    int fraction = 0; // fraction digits in w
    boolean inexact = false; // digits were left out of w
    if (p >= end) {
      throw fallback();
    }
    int c = b[p];
    if (c == '0') {
      p++;
      if (p < end && b[p] >= '0' && b[p] <= '9') {
        throw fallback(); // leading zero
      }
    } else if (c >= '1' && c <= '9') {
      while (p < end && (c = b[p]) >= '0' && c <= '9') {
        if (significant < 18) {
          w = w * 10 + (c - '0');
          significant++;
        } else {
          dropped++;
          inexact = true;
        }
        p++;
      }
    } else {
      throw fallback();
    }
    boolean integral = true;
    if (p < end && b[p] == '.') {
      integral = false;
      p++;
      int first = p;
      while (p < end && (c = b[p]) >= '0' && c <= '9') {
        if (significant < 18) {
          if (w != 0 || c != '0') {
            significant++;
          }
          w = w * 10 + (c - '0');
          fraction++;
        } else {
          inexact = true;
        }
        p++;
      }
      if (p == first) {
        throw fallback();
      }
    }
    int exp = 0;
    if (p < end && (b[p] == 'e' || b[p] == 'E')) {
      integral = false;
      p++;
      boolean expNeg = false;
      if (p < end && (b[p] == '+' || b[p] == '-')) {
        expNeg = b[p] == '-';
        p++;
      }
      int first = p;
      while (p < end && (c = b[p]) >= '0' && c <= '9') {
        if (p - first >= 4) {
          throw fallback();
        }
        exp = exp * 10 + (c - '0');
        p++;
      }
      if (p == first) {
        throw fallback();
      }
      if (expNeg) {
        exp = -exp;
      }
    }
    if (p - start > MAX_NUMBER_LENGTH || (integral && inexact)) {
      // Too long, or an integer that may not fit a long (Jackson picks long or BigInteger).
      throw fallback();
    }
    pos = p;
    numberStart = start;
    numberEnd = p;
    negative = neg;
    significand = w;
    exponent10 = exp + dropped - fraction;
    exact = !inexact && w <= (1L << 53) && exponent10 >= -22 && exponent10 <= 22;
    return integral ? JsonToken.VALUE_NUMBER_INT : JsonToken.VALUE_NUMBER_FLOAT;
  }

  private long integerValue() {
    if (_currToken != JsonToken.VALUE_NUMBER_INT) {
      throw fallback();
    }
    return negative ? -significand : significand;
  }

  @Override
  public NumberType getNumberType() {
    if (_currToken == JsonToken.VALUE_NUMBER_INT) {
      long v = integerValue();
      return v == (int) v ? NumberType.INT : NumberType.LONG;
    }
    if (_currToken == JsonToken.VALUE_NUMBER_FLOAT) {
      return NumberType.DOUBLE;
    }
    return null;
  }

  @Override
  public int getIntValue() {
    long v = integerValue();
    if (v != (int) v) {
      throw fallback();
    }
    return (int) v;
  }

  @Override
  public long getLongValue() {
    return integerValue();
  }

  @Override
  public double getDoubleValue() {
    if (_currToken == JsonToken.VALUE_NUMBER_INT) {
      return (double) integerValue();
    }
    if (_currToken != JsonToken.VALUE_NUMBER_FLOAT) {
      throw fallback();
    }
    double d;
    if (exact) {
      // Both operands are exact doubles, so one IEEE operation rounds correctly.
      d =
          exponent10 >= 0
              ? (double) significand * POW10[exponent10]
              : (double) significand / POW10[-exponent10];
      return negative ? -d : d;
    }
    String text = new String(in, numberStart, numberEnd - numberStart, StandardCharsets.ISO_8859_1);
    return NumberInput.parseDouble(text, true);
  }

  @Override
  public Number getNumberValue() {
    if (_currToken == JsonToken.VALUE_NUMBER_INT) {
      long v = integerValue();
      return v == (int) v ? (Number) (int) v : (Number) v;
    }
    return getDoubleValue();
  }

  @Override
  public BigInteger getBigIntegerValue() {
    return BigInteger.valueOf(integerValue());
  }

  @Override
  public float getFloatValue() {
    throw fallback();
  }

  @Override
  public BigDecimal getDecimalValue() {
    throw fallback();
  }

  // ------------------------------------------------------------------------------------------
  // Text and names

  @Override
  public String getText() {
    JsonToken t = _currToken;
    if (t == JsonToken.VALUE_STRING) {
      return escapedText != null ? escapedText : value(textStart, textLength);
    }
    if (t == JsonToken.FIELD_NAME) {
      return name;
    }
    if (t == JsonToken.VALUE_NUMBER_INT || t == JsonToken.VALUE_NUMBER_FLOAT) {
      return new String(in, numberStart, numberEnd - numberStart, StandardCharsets.ISO_8859_1);
    }
    return t == null ? null : t.asString();
  }

  @Override
  public String currentName() {
    JsonToken t = _currToken;
    if (t == JsonToken.FIELD_NAME
        || (t != null && t.isScalarValue() && depth > 0 && objects[depth - 1])) {
      return name;
    }
    throw fallback();
  }

  @Override
  @Deprecated
  public String getCurrentName() {
    return currentName();
  }

  @Override
  public char[] getTextCharacters() {
    throw fallback();
  }

  @Override
  public boolean hasTextCharacters() {
    return false;
  }

  @Override
  public int getTextLength() {
    throw fallback();
  }

  @Override
  public int getTextOffset() {
    throw fallback();
  }

  @Override
  public byte[] getBinaryValue(Base64Variant variant) {
    throw fallback();
  }

  // ------------------------------------------------------------------------------------------
  // The rest of JsonParser, unused by the readers

  @Override
  protected void _handleEOF() {
    throw fallback();
  }

  @Override
  public void overrideCurrentName(String name) {
    throw fallback();
  }

  @Override
  public JsonStreamContext getParsingContext() {
    throw fallback();
  }

  @Override
  @Deprecated
  public JsonLocation getCurrentLocation() {
    return JsonLocation.NA;
  }

  @Override
  @Deprecated
  public JsonLocation getTokenLocation() {
    return JsonLocation.NA;
  }

  @Override
  public ObjectCodec getCodec() {
    return null;
  }

  @Override
  public void setCodec(ObjectCodec codec) {
    throw fallback();
  }

  @Override
  public Version version() {
    return Version.unknownVersion();
  }

  @Override
  public void close() {
    // The input belongs to the caller; release() ends the use.
  }

  @Override
  public boolean isClosed() {
    return !inUse;
  }
}
