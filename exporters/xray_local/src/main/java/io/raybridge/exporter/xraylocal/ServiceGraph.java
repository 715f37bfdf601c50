package io.raybridge.exporter.xraylocal;

import io.raybridge.exporter.xraylocal.TraceFacts.Outcome;
import io.raybridge.xray.model.Segment;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Builds X-Ray's service graph from traces: a node per service (segment name and origin), per AWS
 * resource called through an {@code aws} subsegment, per remote endpoint called through a {@code
 * remote} subsegment that no traced service answered, and a {@code client} node in front of root
 * segments; an edge per caller → callee with the caller-side statistics.
 *
 * <p>Statistics: a service node counts its own complete segments (response time = segment duration;
 * duration = from the segment's start to the end of its trace); an inferred node counts the calls
 * made to it. In-progress documents add nodes but no statistics. Not thread-safe.
 */
final class ServiceGraph {

  /** A node's identity. */
  record Key(String name, String type) implements Comparable<Key> {
    @Override
    public int compareTo(Key o) {
      int c = name.compareTo(o.name);
      return c != 0 ? c : String.valueOf(type).compareTo(String.valueOf(o.type));
    }
  }

  /** Counts, total response time and a response-time histogram. */
  static final class Stats {
    long ok;
    long errorOther;
    long throttle;
    long fault;
    long total;
    double totalResponseTime;
    final TreeMap<Double, Long> responseTimes = new TreeMap<>();

    void add(Outcome outcome, double responseTime) {
      switch (outcome) {
        case OK -> ok++;
        case ERROR -> errorOther++;
        case THROTTLE -> throttle++;
        case FAULT -> fault++;
      }
      total++;
      totalResponseTime += responseTime;
      responseTimes.merge(bucket(responseTime), 1L, Long::sum);
    }

    void addAll(Stats o) {
      ok += o.ok;
      errorOther += o.errorOther;
      throttle += o.throttle;
      fault += o.fault;
      total += o.total;
      totalResponseTime += o.totalResponseTime;
      o.responseTimes.forEach((k, v) -> responseTimes.merge(k, v, Long::sum));
    }
  }

  /** Histogram values are kept to the millisecond. */
  static double bucket(double seconds) {
    return Math.round(seconds * 1000) / 1000.0;
  }

  /** An edge to another node. */
  static final class Edge {
    final Stats stats = new Stats();
    double start = Double.MAX_VALUE;
    double end;
  }

  /** A node. */
  static final class Node {
    final Key key;
    boolean root;
    int referenceId;
    final Stats stats = new Stats();
    final TreeMap<Double, Long> durations = new TreeMap<>();
    double start = Double.MAX_VALUE;
    double end;
    final Map<Key, Edge> edges = new TreeMap<>();
    boolean hasStats;

    Node(Key key) {
      this.key = key;
    }

    void span(Segment s) {
      if (s.startTime() != null) {
        start = Math.min(start, s.startTime());
        end = Math.max(end, s.endTime() != null ? s.endTime() : s.startTime());
      }
    }
  }

  static final Key CLIENT = new Key("client", "client");

  private final Map<Key, Node> nodes = new HashMap<>();

  /** Adds one trace. */
  void add(TraceFacts t) {
    Map<String, List<Segment>> childSegments = new HashMap<>();
    for (Segment s : t.segments()) {
      if (s.parentId() != null) {
        childSegments.computeIfAbsent(s.parentId(), k -> new ArrayList<>()).add(s);
      }
    }
    for (Segment s : t.segments()) {
      Node n = node(serviceKey(s));
      n.span(s);
      boolean complete = !TraceStore.isInProgress(s) && s.endTime() != null;
      if (complete) {
        n.stats.add(Outcome.of(s), TraceFacts.durationOf(s));
        n.hasStats = true;
        n.durations.merge(bucket(Math.max(0, t.end() - s.startTime())), 1L, Long::sum);
      }
      if (s.parentId() == null) {
        n.root = true;
        Node client = node(CLIENT);
        edge(client, n.key, s, complete);
      } else {
        Segment parentOwner = t.owner().get(s.parentId());
        if (parentOwner != null && parentOwner.id().equals(s.parentId())) {
          // A segment called directly by another segment, without a subsegment in between.
          edge(node(serviceKey(parentOwner)), n.key, s, complete);
        }
      }
    }
    for (Segment sub : t.all()) {
      Segment owner = t.owner().get(sub.id());
      if (owner == null || owner == sub) {
        continue;
      }
      boolean complete = !TraceStore.isInProgress(sub) && sub.endTime() != null;
      Node caller = node(serviceKey(owner));
      List<Segment> callees = childSegments.get(sub.id());
      if (callees != null) {
        for (Segment callee : callees) {
          edge(caller, serviceKey(callee), sub, complete);
        }
        continue;
      }
      Key target = inferredKey(sub);
      if (target == null) {
        continue;
      }
      Node n = node(target);
      n.span(sub);
      if (complete) {
        n.stats.add(Outcome.of(sub), TraceFacts.durationOf(sub));
        n.hasStats = true;
        n.durations.merge(bucket(TraceFacts.durationOf(sub)), 1L, Long::sum);
      }
      edge(caller, target, sub, complete);
    }
  }

  private void edge(Node from, Key to, Segment call, boolean complete) {
    Edge e = from.edges.computeIfAbsent(to, k -> new Edge());
    if (call.startTime() != null) {
      e.start = Math.min(e.start, call.startTime());
      e.end = Math.max(e.end, call.endTime() != null ? call.endTime() : call.startTime());
    }
    if (complete) {
      e.stats.add(Outcome.of(call), TraceFacts.durationOf(call));
    }
  }

  private Node node(Key key) {
    return nodes.computeIfAbsent(key, Node::new);
  }

  static Key serviceKey(Segment s) {
    return new Key(s.name(), s.origin());
  }

  /** The node an {@code aws} or {@code remote} subsegment calls, or null for local work. */
  static Key inferredKey(Segment sub) {
    if ("aws".equals(sub.namespace())) {
      String type = awsType(sub.name());
      String table = sub.aws() == null ? null : sub.aws().tableName();
      return new Key(table != null && !table.isEmpty() ? table : sub.name(), type);
    }
    if ("remote".equals(sub.namespace())) {
      return new Key(sub.name(), "remote");
    }
    return null;
  }

  private static String awsType(String service) {
    return switch (service == null ? "" : service) {
      case "DynamoDB", "dynamodb" -> "AWS::DynamoDB::Table";
      case "S3", "s3" -> "AWS::S3::Bucket";
      case "SQS", "sqs" -> "AWS::SQS::Queue";
      case "SNS", "sns" -> "AWS::SNS::Topic";
      case "Lambda", "lambda" -> "AWS::Lambda::Function";
      case "Kinesis", "kinesis" -> "AWS::Kinesis::Stream";
      default -> "AWS::" + service;
    };
  }

  /** The nodes, in name order, with reference ids assigned in that order. */
  List<Node> nodes() {
    List<Node> out = new ArrayList<>(nodes.values());
    out.sort((a, b) -> a.key.compareTo(b.key));
    for (int i = 0; i < out.size(); i++) {
      out.get(i).referenceId = i;
    }
    return out;
  }

  /** The node {@code key}, if present. */
  Node node(String name, String type) {
    return nodes.get(new Key(name, type));
  }

  /** The node named {@code name} (any type), if present. */
  Node nodeNamed(String name) {
    return nodes.values().stream().filter(n -> n.key.name().equals(name)).findFirst().orElse(null);
  }
}
