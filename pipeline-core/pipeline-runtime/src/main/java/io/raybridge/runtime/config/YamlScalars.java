package io.raybridge.runtime.config;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import java.math.BigInteger;
import java.util.regex.Pattern;

/**
 * Types a scalar the way a plain (unquoted) YAML scalar is typed: null, boolean, integer, float or
 * string. Used for values produced by {@code ${env:...}} and {@code --set}, so that {@code
 * ${env:PORT}} expanding to {@code 4317} is an integer, as if {@code 4317} had been written.
 */
final class YamlScalars {

  private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
  private static final Pattern INT = Pattern.compile("[-+]?[0-9]+");
  private static final Pattern FLOAT =
      Pattern.compile("[-+]?(\\.[0-9]+|[0-9]+(\\.[0-9]*)?)([eE][-+]?[0-9]+)?");

  private YamlScalars() {}

  static JsonNode type(String text) {
    String s = text.strip();
    switch (s) {
      case "", "~", "null", "Null", "NULL":
        return NODES.nullNode();
      case "true", "True", "TRUE":
        return NODES.booleanNode(true);
      case "false", "False", "FALSE":
        return NODES.booleanNode(false);
      default:
        break;
    }
    if (INT.matcher(s).matches()) {
      BigInteger v = new BigInteger(s.startsWith("+") ? s.substring(1) : s);
      if (v.bitLength() < 32) {
        return NODES.numberNode(v.intValue());
      }
      if (v.bitLength() < 64) {
        return NODES.numberNode(v.longValue());
      }
      return NODES.numberNode(v);
    }
    if (FLOAT.matcher(s).matches()) {
      return NODES.numberNode(Double.parseDouble(s));
    }
    return NODES.textNode(text);
  }
}
