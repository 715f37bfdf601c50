package io.raybridge.exporter.xraylocal.filter;

import io.raybridge.exporter.xraylocal.filter.Expr.NodeSelector;
import io.raybridge.exporter.xraylocal.filter.Expr.Op;
import io.raybridge.xray.model.AnnotationValue;
import io.raybridge.xray.model.Segment;
import java.math.BigDecimal;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Optional;
import java.util.function.Function;

/** Evaluates a syntax tree against one trace. Not thread-safe; one instance per evaluation. */
final class Evaluator {

  private final TraceView trace;
  private final Function<String, Optional<String>> groups;
  private final Deque<String> groupStack = new ArrayDeque<>();

  Evaluator(TraceView trace, Function<String, Optional<String>> groups) {
    this.trace = trace;
    this.groups = groups;
  }

  boolean eval(Expr e, Scope scope) {
    if (e instanceof Expr.Or or) {
      return eval(or.left(), scope) || eval(or.right(), scope);
    }
    if (e instanceof Expr.And and) {
      return eval(and.left(), scope) && eval(and.right(), scope);
    }
    if (e instanceof Expr.Not not) {
      return !eval(not.operand(), scope);
    }
    if (e instanceof Expr.BoolTest b) {
      return scope.bool(b.keyword()) == b.expected();
    }
    if (e instanceof Expr.NumCompare n) {
      double v = n.value().doubleValue();
      return scope.numbers(n.keyword()).stream()
          .anyMatch(x -> compare(n.op(), Double.compare(x, v)));
    }
    if (e instanceof Expr.StrCompare s) {
      return scope.strings(s.keyword()).stream().anyMatch(x -> compareString(s.op(), x, s.value()));
    }
    if (e instanceof Expr.Present p) {
      return !scope.strings(p.keyword()).isEmpty();
    }
    if (e instanceof Expr.AnnotationTest a) {
      return annotation(a);
    }
    if (e instanceof Expr.ServiceFilter s) {
      return service(s);
    }
    if (e instanceof Expr.EdgeFilter edge) {
      return edge(edge);
    }
    if (e instanceof Expr.GroupRef g) {
      return group(g);
    }
    throw new IllegalStateException("unhandled expression " + e);
  }

  private boolean annotation(Expr.AnnotationTest a) {
    for (TraceView.Item item : trace.items()) {
      var annotations = item.segment().annotations();
      AnnotationValue v = annotations == null ? null : annotations.get(a.key());
      if (v != null && (a.op() == null || compareAnnotation(a.op(), v, a.value().value()))) {
        return true;
      }
    }
    return false;
  }

  /** Compares only values of the same type: a string annotation never equals a number. */
  private static boolean compareAnnotation(Op op, AnnotationValue v, Object literal) {
    if (v instanceof AnnotationValue.Str s && literal instanceof String l) {
      return compareString(op, s.value(), l);
    }
    if (v instanceof AnnotationValue.Bool b && literal instanceof Boolean l) {
      return compare(op, Boolean.compare(b.value(), l));
    }
    if (literal instanceof BigDecimal l) {
      BigDecimal n;
      if (v instanceof AnnotationValue.Int i) {
        n = BigDecimal.valueOf(i.value());
      } else if (v instanceof AnnotationValue.Dbl d && Double.isFinite(d.value())) {
        n = BigDecimal.valueOf(d.value());
      } else {
        return false;
      }
      return compare(op, n.compareTo(l));
    }
    return false;
  }

  private boolean service(Expr.ServiceFilter s) {
    for (TraceView.Node node : trace.nodes()) {
      if (!selects(s.node(), node)) {
        continue;
      }
      if (s.inner() == null) {
        return true;
      }
      for (TraceView.Item item : node.items()) {
        if (eval(s.inner(), scopeOf(item.segment(), node.inferred()))) {
          return true;
        }
      }
    }
    return false;
  }

  private boolean edge(Expr.EdgeFilter f) {
    for (TraceView.Edge edge : trace.edges()) {
      if (selects(f.from(), edge.from())
          && selects(f.to(), edge.to())
          && (f.inner() == null || eval(f.inner(), scopeOf(edge.via().segment(), false)))) {
        return true;
      }
    }
    return false;
  }

  private Scope scopeOf(Segment segment, boolean inferred) {
    return new TraceView.ItemScope(segment, segment == trace.root(), inferred);
  }

  private static boolean selects(NodeSelector sel, TraceView.Node node) {
    return (sel.name() == null || sel.name().equals(node.name()))
        && (sel.type() == null || sel.type().equals(node.type()))
        && (sel.accountId() == null || sel.accountId().equals(node.accountId()));
  }

  private boolean group(Expr.GroupRef g) {
    String name = g.name();
    if (groupStack.contains(name)) {
      throw new FilterSyntaxException(
          "group '" + name + "' refers to itself at " + g.position(), g.position());
    }
    Optional<String> text = groups.apply(name);
    if (text == null || text.isEmpty()) {
      throw new FilterSyntaxException(
          "unknown group '" + name + "' at " + g.position(), g.position());
    }
    if (text.get().isBlank()) {
      return true;
    }
    Expr parsed;
    try {
      parsed = Parser.parse(text.get());
    } catch (FilterSyntaxException ex) {
      throw new FilterSyntaxException(
          "group '"
              + name
              + "' has an invalid filter expression at "
              + g.position()
              + ": "
              + ex.getMessage(),
          g.position());
    }
    groupStack.push(name);
    try {
      return eval(parsed, trace);
    } finally {
      groupStack.pop();
    }
  }

  private static boolean compare(Op op, int cmp) {
    return switch (op) {
      case EQ -> cmp == 0;
      case NE -> cmp != 0;
      case LT -> cmp < 0;
      case LE -> cmp <= 0;
      case GT -> cmp > 0;
      case GE -> cmp >= 0;
      default -> false;
    };
  }

  private static boolean compareString(Op op, String actual, String expected) {
    return switch (op) {
      case EQ -> actual.equals(expected);
      case NE -> !actual.equals(expected);
      case CONTAINS -> actual.contains(expected);
      case BEGINSWITH -> actual.startsWith(expected);
      case ENDSWITH -> actual.endsWith(expected);
      default -> false;
    };
  }
}
