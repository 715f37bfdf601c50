package io.raybridge.xray.sampling;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;

/**
 * The matchers of one {@link SamplingRule}, compiled at rule load: patterns of exactly {@code *}
 * are left out, the others are checked cheapest shape first (a literal is rejected by its length
 * alone), so that a request that does not match is usually rejected by the first check. Matches
 * exactly as {@link RuleMatcher#matches} does; immutable, thread-safe, allocation-free.
 */
final class CompiledRule {

  private static final int SERVICE_NAME = 0;
  private static final int URL_PATH = 1;
  private static final int HOST = 2;
  private static final int SERVICE_TYPE = 3;
  private static final int RESOURCE_ARN = 4;
  private static final int HTTP_METHOD = 5;

  private final SamplingRule rule;
  private final boolean matchesAll;
  private final int[] fields;
  private final Glob[] globs;
  private final String[] attributeKeys;
  private final Glob[] attributeGlobs;

  private record FieldGlob(int field, Glob glob) {}

  CompiledRule(SamplingRule rule) {
    this.rule = rule;
    List<FieldGlob> checks = new ArrayList<>(6);
    // Fields in order of how well they tell requests apart: the method comes last, as most
    // requests share one of a few methods.
    add(checks, SERVICE_NAME, rule.serviceName());
    add(checks, URL_PATH, rule.urlPath());
    add(checks, HOST, rule.host());
    add(checks, SERVICE_TYPE, rule.serviceType());
    add(checks, RESOURCE_ARN, rule.resourceArn());
    add(checks, HTTP_METHOD, rule.httpMethod());
    // Stable: within a shape, the order above holds.
    checks.sort(Comparator.comparingInt(c -> c.glob().shape()));
    this.fields = new int[checks.size()];
    this.globs = new Glob[checks.size()];
    for (int i = 0; i < checks.size(); i++) {
      fields[i] = checks.get(i).field();
      globs[i] = checks.get(i).glob();
    }
    Map<String, String> attributes = rule.attributes();
    this.attributeKeys = new String[attributes.size()];
    this.attributeGlobs = new Glob[attributes.size()];
    int i = 0;
    for (Map.Entry<String, String> e : attributes.entrySet()) {
      attributeKeys[i] = e.getKey();
      attributeGlobs[i] = Glob.compile(e.getValue());
      i++;
    }
    this.matchesAll = rule.isDefault() || (globs.length == 0 && attributeKeys.length == 0);
  }

  private static void add(List<FieldGlob> checks, int field, String pattern) {
    Glob glob = Glob.compile(pattern);
    if (!glob.matchesAll()) {
      checks.add(new FieldGlob(field, glob));
    }
  }

  /** The rule. */
  SamplingRule rule() {
    return rule;
  }

  /** Whether every matcher of the rule matches {@code request}. */
  boolean matches(SamplingRequest request) {
    if (matchesAll) {
      return true;
    }
    Glob[] g = globs;
    for (int i = 0; i < g.length; i++) {
      if (!g[i].matches(value(request, fields[i]))) {
        return false;
      }
    }
    String[] keys = attributeKeys;
    if (keys.length > 0) {
      Map<String, String> attributes = request.attributes();
      for (int i = 0; i < keys.length; i++) {
        String value = attributes.get(keys[i]);
        if (value == null || !attributeGlobs[i].matches(value)) {
          return false;
        }
      }
    }
    return true;
  }

  private static String value(SamplingRequest request, int field) {
    return switch (field) {
      case SERVICE_NAME -> request.serviceName();
      case URL_PATH -> request.urlPath();
      case HOST -> request.host();
      case SERVICE_TYPE -> request.serviceType();
      case RESOURCE_ARN -> request.resourceArn();
      default -> request.httpMethod();
    };
  }
}
