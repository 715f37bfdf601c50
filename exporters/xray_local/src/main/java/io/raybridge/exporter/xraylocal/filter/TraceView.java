package io.raybridge.exporter.xraylocal.filter;

import io.raybridge.xray.model.Segment;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * One trace indexed for evaluation: every (sub)segment with the service segment it belongs to, the
 * root segment, the service-graph nodes and the edges between them. Also the trace-level {@link
 * Scope}.
 */
final class TraceView implements Scope {

  /** A (sub)segment and the segment (service) that owns it; {@code owner} is null if unknown. */
  record Item(Segment segment, Segment owner) {}

  /** A service-graph node and the (sub)segments that represent it in this trace. */
  record Node(String name, String type, String accountId, boolean inferred, List<Item> items) {}

  /** A call from one node to another; {@code via} is the (sub)segment that describes the call. */
  record Edge(Node from, Node to, Item via) {}

  /** Chains of independent subsegments deeper than this are treated as orphans. */
  private static final int MAX_PARENT_HOPS = 64;

  private final List<Item> items = new ArrayList<>();
  private final List<Node> nodes = new ArrayList<>();
  private final List<Edge> edges = new ArrayList<>();
  private final Segment root;
  private final boolean hasTrueRoot;

  private TraceView(List<Segment> documents) {
    Map<String, Segment> documentOf = new HashMap<>();
    Map<String, Item> byId = new HashMap<>();
    for (Segment doc : documents) {
      index(doc, doc, documentOf);
    }
    for (Segment doc : documents) {
      walk(doc, ownerOf(doc, documentOf), byId);
    }
    this.root = findRoot(documents, byId);
    this.hasTrueRoot =
        documents.stream().anyMatch(d -> !d.isSubsegmentType() && d.parentId() == null);
    buildGraph(documents, byId);
  }

  static TraceView of(List<Segment> documents) {
    return new TraceView(documents);
  }

  List<Item> items() {
    return items;
  }

  List<Node> nodes() {
    return nodes;
  }

  List<Edge> edges() {
    return edges;
  }

  Segment root() {
    return root;
  }

  private static void index(Segment s, Segment doc, Map<String, Segment> documentOf) {
    if (s.id() != null) {
      documentOf.putIfAbsent(s.id(), doc);
    }
    for (Segment sub : s.subsegmentList()) {
      index(sub, doc, documentOf);
    }
  }

  /** The service segment a document belongs to, following independent subsegments' parents. */
  private static Segment ownerOf(Segment doc, Map<String, Segment> documentOf) {
    Segment current = doc;
    for (int hop = 0; hop < MAX_PARENT_HOPS; hop++) {
      if (!current.isSubsegmentType()) {
        return current;
      }
      Segment parentDoc = current.parentId() == null ? null : documentOf.get(current.parentId());
      if (parentDoc == null || parentDoc == current) {
        return null;
      }
      current = parentDoc;
    }
    return null;
  }

  private void walk(Segment s, Segment owner, Map<String, Item> byId) {
    Item item = new Item(s, owner);
    items.add(item);
    if (s.id() != null) {
      byId.putIfAbsent(s.id(), item);
    }
    for (Segment sub : s.subsegmentList()) {
      walk(sub, owner, byId);
    }
  }

  /**
   * The segment without a parent (earliest if several); failing that, the earliest segment whose
   * parent is not in the trace (its caller was not traced or has not arrived yet).
   */
  private static Segment findRoot(List<Segment> documents, Map<String, Item> byId) {
    Segment best = null;
    for (int pass = 0; pass < 2 && best == null; pass++) {
      for (Segment d : documents) {
        if (d.isSubsegmentType()) {
          continue;
        }
        boolean candidate =
            pass == 0
                ? d.parentId() == null
                : d.parentId() != null && !byId.containsKey(d.parentId());
        if (candidate && (best == null || start(d) < start(best))) {
          best = d;
        }
      }
    }
    return best;
  }

  private void buildGraph(List<Segment> documents, Map<String, Item> byId) {
    Map<List<Object>, Node> nodeByKey = new LinkedHashMap<>();
    Map<Segment, Node> nodeOfSegment = new HashMap<>();
    for (Segment d : documents) {
      if (!d.isSubsegmentType()) {
        String account = d.aws() == null ? null : d.aws().accountId();
        Node n = node(nodeByKey, d.name(), d.origin(), account, false);
        n.items().add(new Item(d, d));
        nodeOfSegment.put(d, n);
      }
    }
    // A call whose callee sent its own segment: the segment's parent_id names the caller's
    // subsegment (or, rarely, the caller's segment itself).
    Set<String> calledIds = new HashSet<>();
    for (Segment d : documents) {
      if (d.isSubsegmentType() || d.parentId() == null) {
        continue;
      }
      Item caller = byId.get(d.parentId());
      if (caller == null || caller.owner() == null || caller.owner() == d) {
        continue;
      }
      calledIds.add(d.parentId());
      boolean viaSubsegment = caller.segment() != caller.owner();
      edges.add(
          new Edge(
              nodeOfSegment.get(caller.owner()),
              nodeOfSegment.get(d),
              viaSubsegment ? caller : new Item(d, d)));
    }
    // A downstream call nobody answered with a segment becomes an inferred node (a database, an
    // AWS service, an untraced HTTP endpoint), as in X-Ray's service map.
    for (Item item : items) {
      Segment s = item.segment();
      String ns = s.namespace();
      boolean downstream = "remote".equals(ns) || "aws".equals(ns);
      if (!downstream || item.owner() == null || s == item.owner() || calledIds.contains(s.id())) {
        continue;
      }
      String type = "aws".equals(ns) ? "AWS::" + s.name() : "remote";
      Node n = node(nodeByKey, s.name(), type, null, true);
      n.items().add(item);
      edges.add(new Edge(nodeOfSegment.get(item.owner()), n, item));
    }
    nodes.addAll(nodeByKey.values());
  }

  private static Node node(
      Map<List<Object>, Node> byKey, String name, String type, String account, boolean inferred) {
    List<Object> key = Arrays.asList(name, type, account, inferred);
    return byKey.computeIfAbsent(
        key, k -> new Node(name, type, account, inferred, new ArrayList<>()));
  }

  private static double start(Segment s) {
    return s.startTime() == null ? Double.MAX_VALUE : s.startTime();
  }

  // ---- trace-level scope ----

  @Override
  public List<Double> numbers(Keyword k) {
    return switch (k) {
      case RESPONSETIME -> root == null ? List.of() : Scope.elapsed(root);
      case DURATION -> duration();
      case HTTP_STATUS -> root == null ? List.of() : Scope.status(root);
      default -> throw new IllegalArgumentException(k.text);
    };
  }

  private List<Double> duration() {
    double min = Double.MAX_VALUE;
    double max = -Double.MAX_VALUE;
    for (Item i : items) {
      Segment s = i.segment();
      if (s.startTime() != null) {
        min = Math.min(min, s.startTime());
      }
      if (s.endTime() != null) {
        max = Math.max(max, s.endTime());
      }
    }
    return min == Double.MAX_VALUE || max == -Double.MAX_VALUE ? List.of() : List.of(max - min);
  }

  @Override
  public List<String> strings(Keyword k) {
    if (k == Keyword.USER) {
      // user is set on segments, possibly several of them; any one may match.
      return items.stream().map(i -> i.segment().user()).filter(Objects::nonNull).toList();
    }
    return root == null ? List.of() : Scope.httpString(root, k);
  }

  @Override
  public boolean bool(Keyword k) {
    return switch (k) {
      case ERROR -> items.stream().anyMatch(i -> Boolean.TRUE.equals(i.segment().error()));
      case FAULT -> items.stream().anyMatch(i -> Boolean.TRUE.equals(i.segment().fault()));
      case THROTTLE -> items.stream().anyMatch(i -> Boolean.TRUE.equals(i.segment().throttle()));
      case OK -> !bool(Keyword.ERROR) && !bool(Keyword.FAULT) && !bool(Keyword.THROTTLE);
      case PARTIAL -> items.stream().anyMatch(i -> Scope.inProgress(i.segment()));
      case ROOT -> hasTrueRoot;
      case INFERRED -> nodes.stream().anyMatch(Node::inferred);
      default -> throw new IllegalArgumentException(k.text);
    };
  }

  /** The scope of one (sub)segment inside {@code service(...) { }} or {@code edge(...) { }}. */
  record ItemScope(Segment segment, boolean isRoot, boolean inferred) implements Scope {
    @Override
    public List<Double> numbers(Keyword k) {
      return switch (k) {
        case RESPONSETIME, DURATION -> Scope.elapsed(segment);
        case HTTP_STATUS -> Scope.status(segment);
        default -> throw new IllegalArgumentException(k.text);
      };
    }

    @Override
    public List<String> strings(Keyword k) {
      if (k == Keyword.USER) {
        return segment.user() == null ? List.of() : List.of(segment.user());
      }
      return Scope.httpString(segment, k);
    }

    @Override
    public boolean bool(Keyword k) {
      return switch (k) {
        case ERROR -> Boolean.TRUE.equals(segment.error());
        case FAULT -> Boolean.TRUE.equals(segment.fault());
        case THROTTLE -> Boolean.TRUE.equals(segment.throttle());
        case OK -> !bool(Keyword.ERROR) && !bool(Keyword.FAULT) && !bool(Keyword.THROTTLE);
        case PARTIAL -> Scope.inProgress(segment);
        case ROOT -> isRoot;
        case INFERRED -> inferred;
        default -> throw new IllegalArgumentException(k.text);
      };
    }
  }
}
