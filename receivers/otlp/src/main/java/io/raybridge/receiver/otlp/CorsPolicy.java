package io.raybridge.receiver.otlp;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;

/** Decides which browser origins and request headers may reach the HTTP endpoint. */
final class CorsPolicy {

  /** Headers every OTLP browser client needs, allowed without configuration. */
  private static final Set<String> ALWAYS_ALLOWED_HEADERS =
      Set.of("accept", "content-type", "content-encoding", "origin", "x-requested-with");

  private final List<Pattern> origins;
  private final Set<String> headers;
  private final boolean anyHeader;
  private final int maxAge;

  CorsPolicy(OtlpReceiverConfig.Cors config) {
    List<Pattern> patterns = new ArrayList<>();
    for (String origin : config.allowedOrigins()) {
      patterns.add(wildcard(origin.toLowerCase(Locale.ROOT)));
    }
    this.origins = List.copyOf(patterns);
    Set<String> h = new HashSet<>(ALWAYS_ALLOWED_HEADERS);
    boolean any = false;
    for (String header : config.allowedHeaders()) {
      if (header.equals("*")) {
        any = true;
      }
      h.add(header.toLowerCase(Locale.ROOT));
    }
    this.headers = Set.copyOf(h);
    this.anyHeader = any;
    this.maxAge = config.maxAge();
  }

  boolean allowsOrigin(String origin) {
    if (origin == null) {
      return false;
    }
    String o = origin.toLowerCase(Locale.ROOT);
    for (Pattern p : origins) {
      if (p.matcher(o).matches()) {
        return true;
      }
    }
    return false;
  }

  /** Whether every header of an {@code Access-Control-Request-Headers} value is allowed. */
  boolean allowsHeaders(String requested) {
    if (requested == null || requested.isBlank() || anyHeader) {
      return true;
    }
    for (String h : requested.split(",")) {
      String name = h.strip().toLowerCase(Locale.ROOT);
      if (!name.isEmpty() && !headers.contains(name)) {
        return false;
      }
    }
    return true;
  }

  int maxAge() {
    return maxAge;
  }

  private static Pattern wildcard(String origin) {
    return Pattern.compile(String.join(".*", quoteAll(origin.split("\\*", -1))));
  }

  private static List<String> quoteAll(String[] parts) {
    List<String> quoted = new ArrayList<>(parts.length);
    for (String p : parts) {
      quoted.add(p.isEmpty() ? "" : Pattern.quote(p));
    }
    return quoted;
  }
}
