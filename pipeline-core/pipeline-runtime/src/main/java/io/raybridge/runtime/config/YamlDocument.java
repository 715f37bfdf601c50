package io.raybridge.runtime.config;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLParser;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * One parsed YAML source: its tree after {@code ${env:...}} expansion, the line of every key and
 * list element (by YAML path), and the problems met while reading it.
 *
 * <p>The tree is built from the parser's token stream rather than with {@code readTree} because
 * only the stream knows where each value was; that is what puts line numbers into messages.
 */
final class YamlDocument {

  private static final YAMLFactory YAML =
      YAMLFactory.builder().enable(YAMLParser.Feature.EMPTY_STRING_AS_NULL).build();
  private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

  private final String source;
  private final int order;
  private final EnvExpander env;
  private final Map<String, Integer> lines = new HashMap<>();
  private final List<ConfigProblem> problems = new ArrayList<>();
  private JsonNode root = NODES.objectNode();

  private YamlDocument(String source, int order, EnvExpander env) {
    this.source = source;
    this.order = order;
    this.env = env;
  }

  /**
   * Parses {@code text}, which must hold one YAML document.
   *
   * @param source the name problems are reported under
   * @param order the position of the source, for sorting problems
   */
  static YamlDocument parse(String source, int order, String text, Map<String, String> env) {
    YamlDocument doc = new YamlDocument(source, order, new EnvExpander(env));
    doc.read(text);
    return doc;
  }

  String source() {
    return source;
  }

  int order() {
    return order;
  }

  /** The tree; an empty document is an empty mapping. */
  JsonNode root() {
    return root;
  }

  /** 1-based line of each path that has one. */
  Map<String, Integer> lines() {
    return lines;
  }

  List<ConfigProblem> problems() {
    return problems;
  }

  private void read(String text) {
    try (JsonParser p = YAML.createParser(text)) {
      JsonToken first = p.nextToken();
      if (first == null) {
        return;
      }
      root = value(p, "");
      if (p.nextToken() != null) {
        problem(location(p), 0, "", "only one YAML document per file is supported");
      }
    } catch (JsonProcessingException e) {
      JsonLocation at = e.getLocation();
      problems.add(
          new ConfigProblem(
              source,
              order,
              at == null ? 0 : Math.max(at.getLineNr(), 0),
              at == null ? 0 : Math.max(at.getColumnNr(), 0),
              "",
              "invalid YAML: " + syntaxMessage(e)));
    } catch (IOException e) {
      problems.add(new ConfigProblem(source, order, 0, 0, "", "cannot read: " + e.getMessage()));
    }
  }

  private JsonNode value(JsonParser p, String path) throws IOException {
    JsonToken token = p.currentToken();
    switch (token) {
      case START_OBJECT:
        {
          ObjectNode object = NODES.objectNode();
          while (p.nextToken() == JsonToken.FIELD_NAME) {
            String key = p.currentName();
            String child = ConfigPaths.child(path, key);
            int line = location(p);
            p.nextToken();
            JsonNode v = value(p, child);
            if (object.has(key)) {
              problem(line, 0, child, "duplicate key '" + key + "'");
            }
            lines.put(child, line);
            object.set(key, v);
          }
          return object;
        }
      case START_ARRAY:
        {
          ArrayNode array = NODES.arrayNode();
          int i = 0;
          while (p.nextToken() != JsonToken.END_ARRAY) {
            String child = path + "[" + i + "]";
            lines.put(child, location(p));
            array.add(value(p, child));
            i++;
          }
          return array;
        }
      case VALUE_STRING:
        return expand(p.getText(), path, location(p));
      case VALUE_NUMBER_INT:
        return switch (p.getNumberType()) {
          case INT -> NODES.numberNode(p.getIntValue());
          case LONG -> NODES.numberNode(p.getLongValue());
          default -> NODES.numberNode(p.getBigIntegerValue());
        };
      case VALUE_NUMBER_FLOAT:
        return NODES.numberNode(p.getDoubleValue());
      case VALUE_TRUE:
        return NODES.booleanNode(true);
      case VALUE_FALSE:
        return NODES.booleanNode(false);
      case VALUE_NULL:
        return NODES.nullNode();
      default:
        // Binary (!!binary) and other exotic scalars: keep the text the parser saw.
        return NODES.textNode(p.getText());
    }
  }

  private JsonNode expand(String text, String path, int line) {
    try {
      EnvExpander.Expansion e = env.expand(text);
      return e.wholeReference() ? YamlScalars.type(e.value()) : NODES.textNode(e.value());
    } catch (IllegalArgumentException e) {
      problem(line, 0, path, e.getMessage());
      return NODES.textNode(text);
    }
  }

  private void problem(int line, int column, String path, String message) {
    problems.add(new ConfigProblem(source, order, line, column, path, message));
  }

  private static int location(JsonParser p) {
    return Math.max(p.currentTokenLocation().getLineNr(), 0);
  }

  private static String syntaxMessage(JsonProcessingException e) {
    String message = e.getOriginalMessage();
    if (message == null) {
      return "syntax error";
    }
    // SnakeYAML's messages repeat the location and quote the source; the first line says it.
    String first = message.strip().lines().findFirst().orElse("syntax error");
    return first.strip();
  }
}
