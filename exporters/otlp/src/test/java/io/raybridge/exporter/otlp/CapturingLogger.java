package io.raybridge.exporter.otlp;

import java.lang.reflect.InvocationHandler;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import org.slf4j.Logger;
import org.slf4j.helpers.MessageFormatter;

/** An SLF4J logger that keeps every line, formatted, with its level. */
final class CapturingLogger {

  record Line(String level, String message) {}

  private static final Set<String> LEVELS = Set.of("trace", "debug", "info", "warn", "error");

  final List<Line> lines = new CopyOnWriteArrayList<>();
  final Logger logger;

  CapturingLogger() {
    InvocationHandler h =
        (proxy, method, args) -> {
          if (method.isDefault()) {
            return InvocationHandler.invokeDefault(proxy, method, args);
          }
          String name = method.getName();
          if (name.equals("getName")) {
            return "capturing";
          }
          if (name.startsWith("is")) {
            return true;
          }
          if (LEVELS.contains(name) && args != null && args.length > 0) {
            record(name, args);
          }
          return defaultValue(method);
        };
    logger =
        (Logger)
            Proxy.newProxyInstance(Logger.class.getClassLoader(), new Class<?>[] {Logger.class}, h);
  }

  private void record(String level, Object[] args) {
    int i = args[0] instanceof String ? 0 : 1; // skip a Marker
    String format = String.valueOf(args[i]);
    Object[] rest;
    if (args.length == i + 2 && args[i + 1] instanceof Object[] varargs) {
      rest = varargs;
    } else {
      rest = java.util.Arrays.copyOfRange(args, i + 1, args.length);
    }
    lines.add(new Line(level, MessageFormatter.arrayFormat(format, rest).getMessage()));
  }

  private static Object defaultValue(Method m) {
    return m.getReturnType() == boolean.class ? Boolean.FALSE : null;
  }

  long count(String level, String contains) {
    return lines.stream()
        .filter(l -> l.level().equals(level) && l.message().contains(contains))
        .count();
  }
}
