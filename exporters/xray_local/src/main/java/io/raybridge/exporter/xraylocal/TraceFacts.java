package io.raybridge.exporter.xraylocal;

import io.raybridge.xray.model.Segment;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * What the read APIs need to know about one stored trace, computed once per query.
 *
 * @param trace the stored trace
 * @param segments the segment documents (not independent subsegments)
 * @param owner for every segment and subsegment id of the trace, the segment document it belongs to
 *     (independent subsegments resolved through their parents)
 * @param all every segment and subsegment, nested ones included
 * @param root the root segment (no parent), or the earliest segment if none is a root; null for a
 *     trace of subsegments only
 * @param start earliest start time, epoch seconds
 * @param end latest end time (start for in-progress documents), epoch seconds
 */
record TraceFacts(
    StoredTrace trace,
    List<Segment> segments,
    Map<String, Segment> owner,
    List<Segment> all,
    Segment root,
    double start,
    double end) {

  static TraceFacts of(StoredTrace trace) {
    List<Segment> segments = new ArrayList<>();
    List<Segment> all = new ArrayList<>();
    Map<String, Segment> owner = new HashMap<>();
    List<Segment> independent = new ArrayList<>();
    for (StoredTrace.Document d : trace.documents()) {
      Segment s = d.segment();
      if (s.isSubsegmentType()) {
        independent.add(s);
      } else {
        segments.add(s);
        walk(s, s, owner, all);
      }
    }
    // Independent subsegments may hang off each other; resolve until nothing changes.
    boolean progress = true;
    while (progress && !independent.isEmpty()) {
      progress = false;
      for (var it = independent.iterator(); it.hasNext(); ) {
        Segment sub = it.next();
        Segment o = sub.parentId() == null ? null : owner.get(sub.parentId());
        if (o != null) {
          walk(sub, o, owner, all);
          it.remove();
          progress = true;
        }
      }
    }
    for (Segment orphan : independent) {
      // Parent not (yet) received: still part of the trace, owned by nothing.
      collect(orphan, all);
    }
    Segment root = null;
    double start = Double.MAX_VALUE;
    double end = 0;
    for (Segment s : all) {
      if (s.startTime() != null) {
        start = Math.min(start, s.startTime());
        end = Math.max(end, s.endTime() != null ? s.endTime() : s.startTime());
      }
    }
    for (Segment s : segments) {
      if (s.parentId() == null && (root == null || before(s, root))) {
        root = s;
      }
    }
    if (root == null) {
      for (Segment s : segments) {
        if (root == null || before(s, root)) {
          root = s;
        }
      }
    }
    if (start == Double.MAX_VALUE) {
      start = trace.firstReceivedMillis() / 1000.0;
      end = start;
    }
    return new TraceFacts(trace, segments, owner, all, root, start, end);
  }

  private static boolean before(Segment a, Segment b) {
    return a.startTime() != null && (b.startTime() == null || a.startTime() < b.startTime());
  }

  private static void walk(
      Segment s, Segment owner, Map<String, Segment> owners, List<Segment> all) {
    owners.put(s.id(), owner);
    all.add(s);
    for (Segment sub : s.subsegmentList()) {
      walk(sub, owner, owners, all);
    }
  }

  private static void collect(Segment s, List<Segment> all) {
    all.add(s);
    for (Segment sub : s.subsegmentList()) {
      collect(sub, all);
    }
  }

  String id() {
    return trace.id();
  }

  double duration() {
    return Math.max(0, end - start);
  }

  /** The root segment's own duration: the time the entry service took to respond. */
  double responseTime() {
    return root == null ? duration() : durationOf(root);
  }

  static double durationOf(Segment s) {
    if (s.startTime() == null || s.endTime() == null) {
      return 0;
    }
    return Math.max(0, s.endTime() - s.startTime());
  }

  boolean partial() {
    return all.stream().anyMatch(TraceStore::isInProgress);
  }

  /** Whether the root segment faulted (any document when the trace has no root yet). */
  boolean hasFault() {
    return root != null
        ? Outcome.of(root) == Outcome.FAULT
        : all.stream().anyMatch(s -> Outcome.of(s) == Outcome.FAULT);
  }

  /** Whether the root segment has a 4xx-class error (any document when there is no root yet). */
  boolean hasError() {
    return root != null
        ? isError(Outcome.of(root))
        : all.stream().anyMatch(s -> isError(Outcome.of(s)));
  }

  private static boolean isError(Outcome o) {
    return o == Outcome.ERROR || o == Outcome.THROTTLE;
  }

  /** Whether any document was throttled. */
  boolean hasThrottle() {
    return all.stream().anyMatch(s -> Outcome.of(s) == Outcome.THROTTLE);
  }

  /** When the last document of the trace arrived, epoch seconds. */
  double lastUpdate() {
    return trace.documents().stream()
            .mapToLong(StoredTrace.Document::receivedMillis)
            .max()
            .orElse(0)
        / 1000.0;
  }

  /** How a (sub)segment ended, from its flags and HTTP status. */
  enum Outcome {
    OK,
    ERROR,
    THROTTLE,
    FAULT;

    static Outcome of(Segment s) {
      long status =
          s.http() != null && s.http().response() != null && s.http().response().status() != null
              ? s.http().response().status()
              : 0;
      if (Boolean.TRUE.equals(s.fault()) || status >= 500) {
        return FAULT;
      }
      if (Boolean.TRUE.equals(s.throttle()) || status == 429) {
        return THROTTLE;
      }
      if (Boolean.TRUE.equals(s.error()) || (status >= 400 && status < 500)) {
        return ERROR;
      }
      return OK;
    }
  }
}
