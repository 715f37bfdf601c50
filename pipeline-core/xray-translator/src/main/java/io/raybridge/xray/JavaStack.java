package io.raybridge.xray;

import io.raybridge.xray.model.ExceptionDetail;
import io.raybridge.xray.model.StackFrame;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.IntFunction;

/**
 * Parses a Java-format {@code exception.stacktrace} (also what most other SDKs approximate) into
 * X-Ray stack frames, with {@code Caused by:} sections becoming linked cause exceptions.
 */
final class JavaStack {
  record Parsed(List<StackFrame> frames, List<ExceptionDetail> causes) {}

  private JavaStack() {}

  static Parsed parse(String trace, String firstId, Boolean remote, IntFunction<String> ids) {
    String[] lines = trace.split("\r?\n");
    List<StackFrame> first = new ArrayList<>();
    List<ExceptionDetail> causes = new ArrayList<>();
    List<StackFrame> current = first;
    String curId = null;
    String curType = null;
    String curMessage = null;
    for (int i = 1; i < lines.length; i++) {
      String line = lines[i];
      String t = line.strip();
      if (t.startsWith("at ") && t.endsWith(")") && t.indexOf('(') > 0) {
        String label = t.substring(3, t.indexOf('('));
        // Class-loader and module prefixes: "app//a.B.c", "java.base/a.B.c".
        int slash = label.lastIndexOf('/');
        if (slash >= 0) {
          label = label.substring(slash + 1);
        }
        String path = t.substring(t.indexOf('(') + 1, t.length() - 1);
        Long lineNo = null;
        int colon = path.lastIndexOf(':');
        if (colon >= 0) {
          lineNo = Attrs.parseLong(path.substring(colon + 1));
          path = path.substring(0, colon);
        }
        current.add(new StackFrame(path, lineNo, label));
      } else if (t.startsWith("Caused by: ")) {
        if (curId != null) {
          causes.add(detail(curId, curType, curMessage, remote, current, null));
        }
        String rest = t.substring("Caused by: ".length());
        int c = rest.indexOf(": ");
        curType = c >= 0 ? rest.substring(0, c) : rest;
        curMessage = c >= 0 ? rest.substring(c + 2) : null;
        curId = ids.apply(causes.size());
        current = new ArrayList<>();
      }
    }
    if (curId != null) {
      causes.add(detail(curId, curType, curMessage, remote, current, null));
    }
    // Link each exception to the one that caused it.
    List<ExceptionDetail> linked = new ArrayList<>(causes.size());
    for (int i = 0; i < causes.size(); i++) {
      ExceptionDetail e = causes.get(i);
      String next = i + 1 < causes.size() ? causes.get(i + 1).id() : null;
      linked.add(detail(e.id(), e.type(), e.message(), e.remote(), e.stack(), next));
    }
    return new Parsed(first, linked);
  }

  private static ExceptionDetail detail(
      String id,
      String type,
      String message,
      Boolean remote,
      List<StackFrame> frames,
      String cause) {
    return new ExceptionDetail(
        id, message, type, remote, null, null, cause, frames.isEmpty() ? null : frames, Map.of());
  }
}
