package io.raybridge.xray.sampling;

import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Finds the rule that applies to a request: rules in ascending priority (ties by rule name), the
 * default rule last; the first rule whose matchers all match wins (XRAY-REFERENCE §4.2).
 *
 * <p>Matching a pattern against a value, as the X-Ray SDKs do:
 *
 * <ul>
 *   <li>a pattern of exactly {@code *} matches anything, a missing value included;
 *   <li>otherwise the whole value must match, case-insensitively, with {@code *} standing for any
 *       run of characters (empty included) and {@code ?} for exactly one;
 *   <li>an empty pattern matches only an empty value; a missing value matches no other pattern;
 *   <li>every entry of the rule's {@code attributes} must be present in the request and match.
 * </ul>
 *
 * <p>Patterns are compiled once, when the matcher is built, into the cheapest matcher of their
 * shape (literal, prefix, suffix, infix, anything, or a general glob); no regular expressions.
 * Immutable and thread-safe; matching allocates nothing.
 */
public final class RuleMatcher {

  private final CompiledRule[] rules;

  /** A matcher over {@code rules}, which must hold a default rule. */
  public RuleMatcher(SamplingRules rules) {
    this.rules = compile(Objects.requireNonNull(rules, "rules").rules());
  }

  /** The rules' matchers, compiled once, in evaluation order. */
  static CompiledRule[] compile(List<SamplingRule> rules) {
    CompiledRule[] compiled = new CompiledRule[rules.size()];
    for (int i = 0; i < compiled.length; i++) {
      compiled[i] = new CompiledRule(rules.get(i));
    }
    return compiled;
  }

  /** The rule that applies to {@code request}: the first match, else the default rule. */
  public SamplingRule match(SamplingRequest request) {
    Objects.requireNonNull(request, "request");
    int last = rules.length - 1;
    for (int i = 0; i < last; i++) {
      if (rules[i].matches(request)) {
        return rules[i].rule();
      }
    }
    // SamplingRules puts the default rule last, and it matches everything.
    return rules[last].rule();
  }

  /**
   * Whether every matcher of {@code rule} matches {@code request}. Interprets the patterns on every
   * call; {@link #match} and {@link RuleSampler} use matchers compiled once.
   */
  public static boolean matches(SamplingRule rule, SamplingRequest request) {
    if (rule.isDefault()) {
      return true;
    }
    if (!(wildcardMatch(rule.serviceName(), request.serviceName())
        && wildcardMatch(rule.serviceType(), request.serviceType())
        && wildcardMatch(rule.host(), request.host())
        && wildcardMatch(rule.httpMethod(), request.httpMethod())
        && wildcardMatch(rule.urlPath(), request.urlPath())
        && wildcardMatch(rule.resourceArn(), request.resourceArn()))) {
      return false;
    }
    for (Map.Entry<String, String> e : rule.attributes().entrySet()) {
      String value = request.attributes().get(e.getKey());
      if (value == null || !wildcardMatch(e.getValue(), value)) {
        return false;
      }
    }
    return true;
  }

  /**
   * Whether {@code text} matches {@code pattern} as a whole, case-insensitively, {@code *} matching
   * any run of characters and {@code ?} exactly one. A pattern of exactly {@code *} matches even a
   * null text; any other pattern never matches null.
   */
  public static boolean wildcardMatch(String pattern, String text) {
    if (pattern.length() == 1 && pattern.charAt(0) == '*') {
      return true;
    }
    if (text == null) {
      return false;
    }
    int wildcard = firstWildcard(pattern);
    if (wildcard < 0) {
      return pattern.length() == text.length()
          && pattern.regionMatches(true, 0, text, 0, text.length());
    }
    if (wildcard == pattern.length() - 1 && pattern.charAt(wildcard) == '*') {
      // A literal prefix and a trailing star, the commonest shape ("/payment/*").
      return text.length() >= wildcard && text.regionMatches(true, 0, pattern, 0, wildcard);
    }
    // Iterative glob with single-star backtracking: linear in practice, no recursion, no regex.
    int p = 0;
    int t = 0;
    int star = -1;
    int resume = 0;
    while (t < text.length()) {
      if (p < pattern.length()) {
        char pc = pattern.charAt(p);
        if (pc == '*') {
          star = p++;
          resume = t;
          continue;
        }
        if (pc == '?' || sameIgnoringCase(pc, text.charAt(t))) {
          p++;
          t++;
          continue;
        }
      }
      if (star < 0) {
        return false;
      }
      p = star + 1;
      t = ++resume;
    }
    while (p < pattern.length() && pattern.charAt(p) == '*') {
      p++;
    }
    return p == pattern.length();
  }

  private static int firstWildcard(String pattern) {
    for (int i = 0; i < pattern.length(); i++) {
      char c = pattern.charAt(i);
      if (c == '*' || c == '?') {
        return i;
      }
    }
    return -1;
  }

  /** Whether two chars are equal ignoring case, as {@link String#equalsIgnoreCase} compares. */
  static boolean sameIgnoringCase(char a, char b) {
    if (a == b) {
      return true;
    }
    char ua = Character.toUpperCase(a);
    char ub = Character.toUpperCase(b);
    return ua == ub || Character.toLowerCase(ua) == Character.toLowerCase(ub);
  }
}
