package io.raybridge.runtime.config;

import java.util.Map;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * Expands {@code ${env:NAME}}, {@code ${env:NAME:-default}} and {@code $$} inside one scalar value.
 * The default applies when the variable is unset or empty, as in a shell. A {@code $} that starts
 * neither form is kept as it is.
 */
final class EnvExpander {

  private static final Pattern NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");

  private final Map<String, String> env;

  EnvExpander(Map<String, String> env) {
    this.env = Objects.requireNonNull(env, "env");
  }

  /**
   * The expansion of one scalar.
   *
   * @param value the text after expansion
   * @param wholeReference whether the scalar was exactly one {@code ${env:...}} reference, in which
   *     case the caller re-types the value as a YAML scalar
   */
  record Expansion(String value, boolean wholeReference) {}

  /**
   * Expands {@code text}.
   *
   * @throws IllegalArgumentException naming the variable or the malformed reference
   */
  Expansion expand(String text) {
    if (text.indexOf('$') < 0) {
      return new Expansion(text, false);
    }
    StringBuilder out = new StringBuilder(text.length());
    int references = 0;
    boolean onlyReference = true;
    int i = 0;
    while (i < text.length()) {
      char c = text.charAt(i);
      if (c != '$' || i + 1 >= text.length()) {
        out.append(c);
        onlyReference = false;
        i++;
        continue;
      }
      char next = text.charAt(i + 1);
      if (next == '$') {
        out.append('$');
        onlyReference = false;
        i += 2;
      } else if (next == '{') {
        int close = text.indexOf('}', i + 2);
        if (close < 0) {
          throw new IllegalArgumentException(
              "unterminated reference '" + text.substring(i) + "' (write $$ for a literal $)");
        }
        out.append(resolve(text.substring(i, close + 1), text.substring(i + 2, close)));
        references++;
        i = close + 1;
      } else {
        out.append(c);
        onlyReference = false;
        i++;
      }
    }
    return new Expansion(out.toString(), onlyReference && references == 1);
  }

  private String resolve(String reference, String body) {
    int colon = body.indexOf(':');
    if (colon < 0) {
      throw new IllegalArgumentException(
          "invalid reference '" + reference + "': expected ${env:NAME} or ${env:NAME:-default}");
    }
    String provider = body.substring(0, colon);
    if (!provider.equals("env")) {
      throw new IllegalArgumentException(
          "unsupported reference '" + reference + "': only ${env:NAME} is supported");
    }
    String rest = body.substring(colon + 1);
    String name = rest;
    String fallback = null;
    int dflt = rest.indexOf(":-");
    if (dflt >= 0) {
      name = rest.substring(0, dflt);
      fallback = rest.substring(dflt + 2);
    }
    if (!NAME.matcher(name).matches()) {
      throw new IllegalArgumentException(
          "invalid environment variable name '" + name + "' in '" + reference + "'");
    }
    String value = env.get(name);
    if (value != null && (!value.isEmpty() || fallback == null)) {
      return value;
    }
    if (fallback != null) {
      return fallback;
    }
    throw new IllegalArgumentException(
        "environment variable '"
            + name
            + "' is not set (use ${env:"
            + name
            + ":-default} to give a default)");
  }
}
