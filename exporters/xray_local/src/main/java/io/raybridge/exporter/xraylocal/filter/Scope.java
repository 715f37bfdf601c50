package io.raybridge.exporter.xraylocal.filter;

import io.raybridge.xray.model.Http;
import io.raybridge.xray.model.Segment;
import java.util.List;

/** Where keyword values come from: the whole trace, or one node or edge of it. */
interface Scope {

  /** The values of a number keyword; empty when unknown (then every comparison is false). */
  List<Double> numbers(Keyword k);

  /** The values of a string keyword; a match on any one of them matches. */
  List<String> strings(Keyword k);

  boolean bool(Keyword k);

  static List<Double> elapsed(Segment s) {
    return s.startTime() == null || s.endTime() == null
        ? List.of()
        : List.of(s.endTime() - s.startTime());
  }

  static List<Double> status(Segment s) {
    Http h = s.http();
    return h == null || h.response() == null || h.response().status() == null
        ? List.of()
        : List.of(h.response().status().doubleValue());
  }

  static List<String> httpString(Segment s, Keyword k) {
    Http.Request r = s.http() == null ? null : s.http().request();
    if (r == null) {
      return List.of();
    }
    String v =
        switch (k) {
          case HTTP_URL -> r.url();
          case HTTP_METHOD -> r.method();
          case HTTP_USERAGENT -> r.userAgent();
          case HTTP_CLIENTIP -> r.clientIp();
          default -> throw new IllegalArgumentException(k.text);
        };
    return v == null ? List.of() : List.of(v);
  }

  static boolean inProgress(Segment s) {
    return Boolean.TRUE.equals(s.inProgress()) || s.endTime() == null;
  }
}
