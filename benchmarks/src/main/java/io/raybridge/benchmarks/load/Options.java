package io.raybridge.benchmarks.load;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** Command-line options: {@code --name value}, {@code --name=value}, bare {@code --flag}. */
final class Options {
  private final Map<String, String> values = new HashMap<>();
  private final List<String> positional = new ArrayList<>();

  static Options parse(String[] args) {
    Options o = new Options();
    for (int i = 0; i < args.length; i++) {
      String a = args[i];
      if (a.startsWith("--")) {
        String name = a.substring(2);
        int eq = name.indexOf('=');
        if (eq >= 0) {
          o.values.put(name.substring(0, eq), name.substring(eq + 1));
        } else if (i + 1 < args.length && !args[i + 1].startsWith("--")) {
          o.values.put(name, args[++i]);
        } else {
          o.values.put(name, "true");
        }
      } else {
        o.positional.add(a);
      }
    }
    return o;
  }

  List<String> positional() {
    return positional;
  }

  boolean has(String name) {
    return values.containsKey(name);
  }

  boolean flag(String name) {
    return Boolean.parseBoolean(values.getOrDefault(name, "false"));
  }

  String get(String name, String fallback) {
    return values.getOrDefault(name, fallback);
  }

  int getInt(String name, int fallback) {
    return has(name) ? Integer.parseInt(values.get(name)) : fallback;
  }

  long getLong(String name, long fallback) {
    return has(name) ? Long.parseLong(values.get(name)) : fallback;
  }

  double getDouble(String name, double fallback) {
    return has(name) ? Double.parseDouble(values.get(name)) : fallback;
  }

  /** A duration as {@code 500ms}, {@code 30s}, {@code 2m} or plain seconds. */
  Duration getDuration(String name, Duration fallback) {
    return has(name) ? duration(values.get(name)) : fallback;
  }

  static Duration duration(String text) {
    String t = text.trim();
    if (t.endsWith("ms")) {
      return Duration.ofMillis(Long.parseLong(t.substring(0, t.length() - 2)));
    }
    if (t.endsWith("s")) {
      return Duration.ofMillis(
          Math.round(Double.parseDouble(t.substring(0, t.length() - 1)) * 1e3));
    }
    if (t.endsWith("m")) {
      return Duration.ofSeconds(Long.parseLong(t.substring(0, t.length() - 1)) * 60);
    }
    return Duration.ofMillis(Math.round(Double.parseDouble(t) * 1e3));
  }
}
