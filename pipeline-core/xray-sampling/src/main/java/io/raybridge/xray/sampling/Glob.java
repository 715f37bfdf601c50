package io.raybridge.xray.sampling;

/**
 * A rule pattern compiled once, at rule load, into the cheapest matcher of its shape, with exactly
 * the semantics of {@link RuleMatcher#wildcardMatch}: a literal ({@code GET}), a literal prefix
 * ({@code /pay/*}), a literal suffix ({@code *.example.com}), a literal infix ({@code *admin*}),
 * anything ({@code *}), or a general glob. Matching never allocates.
 *
 * <p>One final class with a shape tag rather than a class per shape, so that the call site stays
 * monomorphic and the shape test compiles to a jump table.
 */
final class Glob {

  /** {@code *}: matches anything, a missing value included. */
  static final int ANY = 0;

  /** Only stars, more than one: matches any present value. */
  static final int PRESENT = 1;

  /** No wildcard: the whole value, ignoring case. */
  static final int EXACT = 2;

  /** A literal and one trailing star. */
  static final int PREFIX = 3;

  /** One leading star and a literal. */
  static final int SUFFIX = 4;

  /** A literal between one leading and one trailing star. */
  static final int CONTAINS = 5;

  /** Anything else: the backtracking glob. */
  static final int GENERAL = 6;

  private static final Glob ANYTHING = new Glob(ANY, "*", "");

  private final int shape;
  private final String pattern;
  private final String literal;
  private final int length;
  // The literal lower-cased, when it is all ASCII (case folding of ASCII is plain arithmetic and
  // agrees with String#regionMatches ignoring case); null otherwise.
  private final char[] asciiLower;

  private Glob(int shape, String pattern, String literal) {
    this.shape = shape;
    this.pattern = pattern;
    this.literal = literal;
    this.length = literal.length();
    char[] lower = new char[length];
    for (int i = 0; i < length && lower != null; i++) {
      char c = literal.charAt(i);
      lower[i] = asciiLower(c);
      if (c >= 128) {
        lower = null;
      }
    }
    this.asciiLower = lower;
  }

  /** The matcher of {@code pattern}. */
  static Glob compile(String pattern) {
    int n = pattern.length();
    if (n == 1 && pattern.charAt(0) == '*') {
      return ANYTHING;
    }
    int stars = 0;
    int questions = 0;
    for (int i = 0; i < n; i++) {
      char c = pattern.charAt(i);
      if (c == '*') {
        stars++;
      } else if (c == '?') {
        questions++;
      }
    }
    if (stars == 0 && questions == 0) {
      return new Glob(EXACT, pattern, pattern);
    }
    if (questions == 0) {
      if (stars == n) {
        return new Glob(PRESENT, pattern, "");
      }
      boolean leading = pattern.charAt(0) == '*';
      boolean trailing = pattern.charAt(n - 1) == '*';
      if (stars == 1 && trailing) {
        return new Glob(PREFIX, pattern, pattern.substring(0, n - 1));
      }
      if (stars == 1 && leading) {
        return new Glob(SUFFIX, pattern, pattern.substring(1));
      }
      if (stars == 2 && leading && trailing) {
        return new Glob(CONTAINS, pattern, pattern.substring(1, n - 1));
      }
    }
    return new Glob(GENERAL, pattern, pattern);
  }

  /** The shape, one of the constants above. */
  int shape() {
    return shape;
  }

  /** Whether this matches every value, a missing one included. */
  boolean matchesAll() {
    return shape == ANY;
  }

  /** Whether {@code text} (null when missing) matches. */
  boolean matches(String text) {
    if (shape == ANY) {
      return true;
    }
    if (text == null) {
      return false;
    }
    int n = text.length();
    return switch (shape) {
      case PRESENT -> true;
      case EXACT -> n == length && literalAt(text, 0, true);
      case PREFIX -> n >= length && literalAt(text, 0, true);
      case SUFFIX -> n >= length && literalAt(text, n - length, false);
      case CONTAINS -> contains(text, n);
      default -> RuleMatcher.wildcardMatch(pattern, text);
    };
  }

  private boolean contains(String text, int n) {
    for (int start = 0, last = n - length; start <= last; start++) {
      if (literalAt(text, start, false)) {
        return true;
      }
    }
    return false;
  }

  /**
   * Whether {@code text} holds the literal at {@code offset}, ignoring case. A non-ASCII literal is
   * compared as the interpreted glob compares it: with {@link String#regionMatches} where that was
   * used ({@code bySystem}), char by char otherwise.
   */
  private boolean literalAt(String text, int offset, boolean bySystem) {
    char[] lower = asciiLower;
    if (lower == null) {
      return bySystem
          ? text.regionMatches(true, offset, literal, 0, length)
          : sameIgnoringCase(text, offset, literal, length);
    }
    for (int i = 0; i < lower.length; i++) {
      char t = text.charAt(offset + i);
      char p = lower[i];
      if (t != p && (t < 128 ? asciiLower(t) != p : !RuleMatcher.sameIgnoringCase(p, t))) {
        return false;
      }
    }
    return true;
  }

  private static char asciiLower(char c) {
    return c >= 'A' && c <= 'Z' ? (char) (c + ('a' - 'A')) : c;
  }

  /** Whether {@code text} from {@code offset} holds {@code literal}'s first {@code n} chars. */
  private static boolean sameIgnoringCase(String text, int offset, String literal, int n) {
    for (int i = 0; i < n; i++) {
      if (!RuleMatcher.sameIgnoringCase(literal.charAt(i), text.charAt(offset + i))) {
        return false;
      }
    }
    return true;
  }

  @Override
  public String toString() {
    return pattern;
  }
}
