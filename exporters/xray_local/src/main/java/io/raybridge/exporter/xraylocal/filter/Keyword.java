package io.raybridge.exporter.xraylocal.filter;

import java.util.Locale;
import java.util.Optional;

/** The simple (non-function) keywords this implementation evaluates. */
enum Keyword {
  RESPONSETIME("responsetime", Type.NUMBER),
  DURATION("duration", Type.NUMBER),
  HTTP_STATUS("http.status", Type.NUMBER),
  HTTP_URL("http.url", Type.STRING),
  HTTP_METHOD("http.method", Type.STRING),
  HTTP_USERAGENT("http.useragent", Type.STRING),
  HTTP_CLIENTIP("http.clientip", Type.STRING),
  USER("user", Type.STRING),
  OK("ok", Type.BOOLEAN),
  ERROR("error", Type.BOOLEAN),
  FAULT("fault", Type.BOOLEAN),
  THROTTLE("throttle", Type.BOOLEAN),
  PARTIAL("partial", Type.BOOLEAN),
  ROOT("root", Type.BOOLEAN),
  INFERRED("inferred", Type.BOOLEAN);

  enum Type {
    NUMBER,
    STRING,
    BOOLEAN;

    String label() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  final String text;
  final Type type;

  Keyword(String text, Type type) {
    this.text = text;
    this.type = type;
  }

  static Optional<Keyword> find(String word) {
    for (Keyword k : values()) {
      if (k.text.equalsIgnoreCase(word)) {
        return Optional.of(k);
      }
    }
    return Optional.empty();
  }
}
