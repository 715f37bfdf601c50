package io.raybridge.exporter.otlp;

import io.raybridge.pipeline.config.Violations;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/** Validation of the {@code headers} key shared by both exporters. */
final class Headers {

  /** Headers the transport sets itself; a user value would be ignored or break the request. */
  private static final Set<String> RESERVED =
      Set.of(
          "content-length",
          "content-type",
          "content-encoding",
          "host",
          "connection",
          "transfer-encoding",
          "te",
          "grpc-encoding",
          "grpc-accept-encoding",
          "grpc-timeout",
          "expect",
          "upgrade",
          "date",
          "via",
          "warning",
          "from",
          "referer");

  private Headers() {}

  static void validate(Violations v, Map<String, String> headers, boolean grpc) {
    for (Map.Entry<String, String> e : headers.entrySet()) {
      String name = e.getKey();
      String path = "headers." + name;
      if (name == null || name.isBlank() || !name.chars().allMatch(Headers::isTokenChar)) {
        v.add(path, "is not a valid header name: '" + name + "'");
        continue;
      }
      String lower = name.toLowerCase(Locale.ROOT);
      v.check(!RESERVED.contains(lower), path, "is set by the exporter and cannot be configured");
      if (grpc) {
        v.check(
            !lower.startsWith("grpc-") && !lower.endsWith("-bin"),
            path,
            "gRPC reserves grpc-* names, and -bin names carry binary values");
      }
      String value = e.getValue();
      v.check(
          value != null && value.chars().noneMatch(c -> c == '\r' || c == '\n'),
          path,
          "must be a single-line value");
    }
  }

  private static boolean isTokenChar(int c) {
    return c > 32 && c < 127 && "\"(),/:;<=>?@[\\]{}".indexOf(c) < 0;
  }
}
