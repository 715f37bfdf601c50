package io.raybridge.xray;

import com.fasterxml.jackson.databind.JsonNode;
import io.raybridge.xray.SegmentFormatException.Reason;
import io.raybridge.xray.model.AnnotationValue;
import io.raybridge.xray.model.Cause;
import io.raybridge.xray.model.ExceptionDetail;
import io.raybridge.xray.model.Segment;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;

/**
 * Checks a document against the rules the X-Ray service applies (XRAY-REFERENCE §1, §8) and reports
 * every problem found, not just the first. Thread-safe and stateless.
 */
public final class SegmentValidator {

  /** The service's limit on one segment document, in bytes of UTF-8 JSON. */
  public static final int MAX_DOCUMENT_BYTES = 64 * 1024;

  /** The longest name X-Ray accepts, in characters. */
  public static final int MAX_NAME_LENGTH = 200;

  /** One problem: a machine-readable reason and a message naming the member and its value. */
  public record Problem(Reason reason, String message) {
    public Problem {
      Objects.requireNonNull(reason, "reason");
      Objects.requireNonNull(message, "message");
    }

    @Override
    public String toString() {
      return message;
    }
  }

  private static final String NAME_SYMBOLS = "_.:/%&#=+\\-@";

  private SegmentValidator() {}

  /** All problems of a document, including its size; empty if X-Ray would accept it. */
  public static List<Problem> validate(Segment segment) {
    Objects.requireNonNull(segment, "segment");
    List<Problem> out = new ArrayList<>();
    check(segment, "", true, false, out);
    int size = SegmentCodec.serializeBytes(segment).length;
    if (size > MAX_DOCUMENT_BYTES) {
      out.add(
          new Problem(
              Reason.TOO_LARGE,
              "document is "
                  + size
                  + " bytes, over the 64 KB limit ("
                  + MAX_DOCUMENT_BYTES
                  + " bytes)"));
    }
    return out;
  }

  /**
   * The problems that make a document untranslatable (missing or malformed ids and times); a subset
   * of {@link #validate(Segment)} without the size check.
   */
  public static List<Problem> structuralProblems(Segment segment) {
    List<Problem> all = new ArrayList<>(0);
    check(segment, "", true, true, all);
    if (!all.isEmpty()) {
      all.removeIf(p -> !STRUCTURAL.contains(p.reason()));
    }
    return all;
  }

  private static final Set<Reason> STRUCTURAL =
      Set.of(
          Reason.MISSING_FIELD,
          Reason.INVALID_ID,
          Reason.INVALID_TRACE_ID,
          Reason.INVALID_TIME,
          Reason.INCOMPLETE_SUBSEGMENT);

  /**
   * Adds the problems of {@code s} and its subsegments to {@code out}; with {@code structuralOnly},
   * only checks that can find a {@link #STRUCTURAL} problem run (the others may still add some).
   */
  private static void check(
      Segment s, String path, boolean topLevel, boolean structuralOnly, List<Problem> out) {
    // name
    if (s.name() == null) {
      out.add(missingOrMistyped(s, path, "name", Reason.INVALID_NAME));
    } else if (!structuralOnly) {
      checkName(s.name(), path, out);
    }
    // id
    if (s.id() == null) {
      out.add(missingOrMistyped(s, path, "id", Reason.INVALID_ID));
    } else if (!isHex(s.id(), 16)) {
      out.add(
          new Problem(
              Reason.INVALID_ID, path + "id \"" + s.id() + "\" must be 16 hexadecimal digits"));
    }
    // trace_id / parent_id / type
    boolean independent = topLevel && s.isSubsegmentType();
    if (s.traceId() == null) {
      if (s.extra().containsKey("trace_id")) {
        out.add(mistyped(s, path, "trace_id", "a string", Reason.INVALID_TRACE_ID));
      } else if (independent) {
        out.add(
            new Problem(
                Reason.INCOMPLETE_SUBSEGMENT, path + "independent subsegment needs trace_id"));
      } else if (topLevel) {
        out.add(new Problem(Reason.MISSING_FIELD, path + "trace_id is missing"));
      }
    } else if (!isTraceId(s.traceId())) {
      out.add(
          new Problem(
              Reason.INVALID_TRACE_ID,
              path
                  + "trace_id \""
                  + s.traceId()
                  + "\" must have the form 1-<8 hex digits>-<24 hex digits>"));
    }
    if (s.parentId() == null) {
      if (s.extra().containsKey("parent_id")) {
        out.add(mistyped(s, path, "parent_id", "a string", Reason.INVALID_ID));
      } else if (independent) {
        out.add(
            new Problem(
                Reason.INCOMPLETE_SUBSEGMENT, path + "independent subsegment needs parent_id"));
      }
    } else if (!isHex(s.parentId(), 16)) {
      out.add(
          new Problem(
              Reason.INVALID_ID,
              path + "parent_id \"" + s.parentId() + "\" must be 16 hexadecimal digits"));
    }
    if (!structuralOnly && s.type() != null && !s.isSubsegmentType()) {
      out.add(
          new Problem(
              Reason.INVALID_FIELD,
              path + "type \"" + s.type() + "\" must be \"subsegment\" or absent"));
    }
    // times
    if (s.startTime() == null) {
      out.add(
          s.extra().containsKey("start_time")
              ? mistyped(s, path, "start_time", "a number", Reason.INVALID_TIME)
              : new Problem(Reason.MISSING_FIELD, path + "start_time is missing"));
    }
    if (s.endTime() == null && s.extra().containsKey("end_time")) {
      out.add(mistyped(s, path, "end_time", "a number", Reason.INVALID_TIME));
    } else if (!structuralOnly && s.endTime() == null && !Boolean.TRUE.equals(s.inProgress())) {
      out.add(new Problem(Reason.NOT_FINISHED, path + "neither end_time nor in_progress is set"));
    }
    if (s.startTime() != null && s.endTime() != null && s.endTime() < s.startTime()) {
      out.add(
          new Problem(
              Reason.INVALID_TIME,
              path
                  + "end_time ("
                  + Json.plain(s.endTime())
                  + ") is before start_time ("
                  + Json.plain(s.startTime())
                  + ")"));
    }
    if (!structuralOnly) {
      checkContent(s, path, out);
    }
    // cause
    if (s.extra().containsKey("cause")) {
      out.add(
          new Problem(
              Reason.INVALID_FIELD,
              path
                  + "cause must be an exception id string or an object, found "
                  + s.extra().get("cause")));
    } else if (s.cause() instanceof Cause.ExceptionId c && !isHex(c.id(), 16)) {
      out.add(
          new Problem(
              Reason.INVALID_ID,
              path + "cause \"" + c.id() + "\" must be a 16-hex-digit exception id"));
    } else if (s.cause() instanceof Cause.Details c) {
      List<ExceptionDetail> ex = c.exceptionList();
      for (int i = 0; i < ex.size(); i++) {
        String id = ex.get(i).id();
        String p = path + "cause.exceptions[" + i + "].id";
        if (id == null) {
          out.add(new Problem(Reason.MISSING_FIELD, p + " is missing"));
        } else if (!isHex(id, 16)) {
          out.add(
              new Problem(Reason.INVALID_ID, p + " \"" + id + "\" must be 16 hexadecimal digits"));
        }
      }
    }
    // precursor ids
    if (s.precursorIds() != null) {
      for (String id : s.precursorIds()) {
        if (!isHex(id, 16)) {
          out.add(
              new Problem(
                  Reason.INVALID_ID,
                  path + "precursor_ids entry \"" + id + "\" must be 16 hexadecimal digits"));
        }
      }
    }
    List<Segment> subs = s.subsegmentList();
    for (int i = 0; i < subs.size(); i++) {
      check(subs.get(i), path + "subsegments[" + i + "].", false, structuralOnly, out);
    }
  }

  /** Namespace, annotations and metadata: problems that never make a document untranslatable. */
  private static void checkContent(Segment s, String path, List<Problem> out) {
    // namespace
    if (s.namespace() != null && !s.namespace().equals("aws") && !s.namespace().equals("remote")) {
      out.add(
          new Problem(
              Reason.INVALID_FIELD,
              path + "namespace \"" + s.namespace() + "\" must be \"aws\" or \"remote\""));
    }
    // annotations
    if (s.annotations() != null) {
      // forEach: the record's read-only map wraps every entry when iterated.
      s.annotations()
          .forEach(
              (key, value) -> {
                checkAnnotationKey(key, path, out);
                if (value instanceof AnnotationValue.Dbl d && !Double.isFinite(d.value())) {
                  out.add(
                      new Problem(
                          Reason.INVALID_ANNOTATION,
                          path + "annotation \"" + key + "\" must be a finite number"));
                }
              });
    }
    JsonNode odd = s.extra().get("annotations");
    if (odd != null) {
      if (odd.isObject() && s.annotations() != null) {
        for (Map.Entry<String, JsonNode> e : odd.properties()) {
          checkAnnotationKey(e.getKey(), path, out);
          out.add(
              new Problem(
                  Reason.INVALID_ANNOTATION,
                  path
                      + "annotation \""
                      + e.getKey()
                      + "\" has an unsupported value type ("
                      + e.getValue().getNodeType().name().toLowerCase(java.util.Locale.ROOT)
                      + "); only string, number and boolean are allowed"));
        }
      } else {
        out.add(new Problem(Reason.INVALID_ANNOTATION, path + "annotations must be an object"));
      }
    }
    // metadata
    if (s.metadata() != null) {
      s.metadata()
          .forEach(
              (key, value) -> {
                if (!value.isObject()) {
                  out.add(
                      new Problem(
                          Reason.INVALID_FIELD,
                          path + "metadata namespace \"" + key + "\" must be an object"));
                }
              });
    } else if (s.extra().containsKey("metadata")) {
      out.add(new Problem(Reason.INVALID_FIELD, path + "metadata must be an object"));
    }
  }

  private static void checkName(String name, String path, List<Problem> out) {
    int length = name.codePointCount(0, name.length());
    if (length == 0) {
      out.add(new Problem(Reason.INVALID_NAME, path + "name is empty"));
    }
    if (length > MAX_NAME_LENGTH) {
      out.add(
          new Problem(
              Reason.INVALID_NAME,
              path + "name is longer than " + MAX_NAME_LENGTH + " characters (" + length + ")"));
    }
    boolean allValid = true;
    for (int i = 0; i < name.length() && allValid; ) {
      int cp = name.codePointAt(i);
      allValid = isNameChar(cp);
      i += Character.charCount(cp);
    }
    if (!allValid) {
      TreeSet<String> bad = new TreeSet<>();
      name.codePoints()
          .filter(cp -> !isNameChar(cp))
          .forEach(cp -> bad.add(new String(Character.toChars(cp))));
      out.add(
          new Problem(
              Reason.INVALID_NAME,
              path
                  + "name \""
                  + name
                  + "\" contains characters X-Ray does not accept: "
                  + String.join(" ", bad)));
    }
  }

  /** {@link #isNameChar} for ASCII, looked up once: most names are plain ASCII. */
  private static final boolean[] ASCII_NAME_CHARS = asciiNameChars();

  private static boolean[] asciiNameChars() {
    boolean[] table = new boolean[128];
    for (int c = 0; c < table.length; c++) {
      table[c] = isNameCharSlow(c);
    }
    return table;
  }

  /** Unicode letters, numbers, whitespace and {@code _ . : / % & # = + \ - @}. */
  static boolean isNameChar(int cp) {
    return cp >= 0 && cp < 128 ? ASCII_NAME_CHARS[cp] : isNameCharSlow(cp);
  }

  private static boolean isNameCharSlow(int cp) {
    if (Character.isLetter(cp) || Character.isWhitespace(cp) || Character.isSpaceChar(cp)) {
      return true;
    }
    int t = Character.getType(cp);
    if (t == Character.DECIMAL_DIGIT_NUMBER
        || t == Character.LETTER_NUMBER
        || t == Character.OTHER_NUMBER) {
      return true;
    }
    return cp < 128 && NAME_SYMBOLS.indexOf(cp) >= 0;
  }

  private static void checkAnnotationKey(String key, String path, List<Problem> out) {
    if (!isAnnotationKey(key)) {
      out.add(
          new Problem(
              Reason.INVALID_ANNOTATION,
              path
                  + "annotation key \""
                  + key
                  + "\" must be non-empty and contain only ASCII letters, digits, '_' and '.'"));
    }
  }

  /** Keys X-Ray can index: ASCII letters, digits, underscore and (since 2024) dots. */
  static boolean isAnnotationKey(String key) {
    if (key.isEmpty()) {
      return false;
    }
    for (int i = 0; i < key.length(); i++) {
      char c = key.charAt(i);
      boolean ok =
          (c >= 'a' && c <= 'z')
              || (c >= 'A' && c <= 'Z')
              || (c >= '0' && c <= '9')
              || c == '_'
              || c == '.';
      if (!ok) {
        return false;
      }
    }
    return true;
  }

  private static Problem missingOrMistyped(Segment s, String path, String key, Reason reason) {
    return s.extra().containsKey(key)
        ? mistyped(s, path, key, "a string", reason)
        : new Problem(Reason.MISSING_FIELD, path + key + " is missing");
  }

  private static Problem mistyped(
      Segment s, String path, String key, String expected, Reason reason) {
    return new Problem(
        reason, path + key + " must be " + expected + ", found " + s.extra().get(key));
  }

  /** {@code 1-<8 hex>-<24 hex>}. */
  public static boolean isTraceId(String id) {
    return id != null
        && id.length() == 35
        && id.charAt(0) == '1'
        && id.charAt(1) == '-'
        && id.charAt(10) == '-'
        && isHex(id, 2, 10)
        && isHex(id, 11, 35);
  }

  /** Exactly {@code length} hexadecimal digits. */
  public static boolean isHex(String s, int length) {
    return s != null && s.length() == length && isHex(s, 0, length);
  }

  private static boolean isHex(String s, int from, int to) {
    for (int i = from; i < to; i++) {
      char c = s.charAt(i);
      if (c >= 128 || !HEX_DIGITS[c]) {
        return false;
      }
    }
    return true;
  }

  /** ASCII hexadecimal digits, either case; ids are checked on every document. */
  private static final boolean[] HEX_DIGITS = hexDigits();

  private static boolean[] hexDigits() {
    boolean[] table = new boolean[128];
    for (int c = 0; c < table.length; c++) {
      table[c] = (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
    }
    return table;
  }
}
