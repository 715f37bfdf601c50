package io.raybridge.processor.xrayannotations;

import io.raybridge.processor.xrayannotations.XRayAnnotationsProcessorConfig.KeySanitization;

/** Annotation keys X-Ray accepts in filter expressions. */
final class KeySanitizer {

  private KeySanitizer() {}

  /** Replaces every code point X-Ray cannot index with {@code _}. */
  static String sanitize(String key, KeySanitization mode) {
    StringBuilder b = null;
    int i = 0;
    while (i < key.length()) {
      int cp = key.codePointAt(i);
      int next = i + Character.charCount(cp);
      boolean ok =
          (cp >= 'a' && cp <= 'z')
              || (cp >= 'A' && cp <= 'Z')
              || (cp >= '0' && cp <= '9')
              || cp == '_'
              || (cp == '.' && mode == KeySanitization.KEEP_DOTS);
      if (!ok && b == null) {
        b = new StringBuilder(key.length()).append(key, 0, i);
      }
      if (b != null) {
        if (ok) {
          b.appendCodePoint(cp);
        } else {
          b.append('_');
        }
      }
      i = next;
    }
    return b == null ? key : b.toString();
  }
}
