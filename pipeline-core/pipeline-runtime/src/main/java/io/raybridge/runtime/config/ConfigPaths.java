package io.raybridge.runtime.config;

/** Builds YAML paths as rendered in messages: {@code a.b[2].c}. */
final class ConfigPaths {

  private ConfigPaths() {}

  static String child(String parent, String key) {
    return parent.isEmpty() ? key : parent + "." + key;
  }

  static String join(String prefix, String relative) {
    if (prefix.isEmpty()) {
      return relative;
    }
    if (relative.isEmpty()) {
      return prefix;
    }
    return relative.startsWith("[") ? prefix + relative : prefix + "." + relative;
  }

  /** Whether {@code path} is {@code ancestor} or lies beneath it. */
  static boolean isWithin(String path, String ancestor) {
    if (ancestor.isEmpty() || path.equals(ancestor)) {
      return true;
    }
    return path.startsWith(ancestor)
        && (path.charAt(ancestor.length()) == '.' || path.charAt(ancestor.length()) == '[');
  }

  /** The parent of {@code path}, or the empty string. */
  static String parent(String path) {
    int cut = Math.max(path.lastIndexOf('.'), path.lastIndexOf('['));
    return cut <= 0 ? "" : path.substring(0, cut);
  }
}
