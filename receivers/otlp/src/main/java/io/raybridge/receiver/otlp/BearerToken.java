package io.raybridge.receiver.otlp;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Locale;

/** Checks {@code Authorization: Bearer <token>} values in constant time. */
final class BearerToken {

  private final byte[] expected;

  BearerToken(String token) {
    this.expected = token.getBytes(StandardCharsets.UTF_8);
  }

  /** Whether {@code header} (an Authorization header value, possibly null) carries the token. */
  boolean matches(String header) {
    if (header == null || header.length() < 7) {
      return false;
    }
    if (!header.substring(0, 7).toLowerCase(Locale.ROOT).equals("bearer ")) {
      return false;
    }
    byte[] given = header.substring(7).strip().getBytes(StandardCharsets.UTF_8);
    return MessageDigest.isEqual(given, expected);
  }
}
