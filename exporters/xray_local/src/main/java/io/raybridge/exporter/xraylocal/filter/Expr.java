package io.raybridge.exporter.xraylocal.filter;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;

/** The syntax tree of a filter expression; {@link #toString()} prints the normalized form. */
sealed interface Expr {

  /** Binding strength when printed: higher binds tighter. */
  int precedence();

  record Or(Expr left, Expr right) implements Expr {
    @Override
    public int precedence() {
      return 1;
    }

    @Override
    public String toString() {
      return wrap(left, 1) + " OR " + wrap(right, 1);
    }
  }

  record And(Expr left, Expr right) implements Expr {
    @Override
    public int precedence() {
      return 2;
    }

    @Override
    public String toString() {
      return wrap(left, 2) + " AND " + wrap(right, 2);
    }
  }

  record Not(Expr operand) implements Expr {
    @Override
    public int precedence() {
      return 3;
    }

    @Override
    public String toString() {
      // A bare keyword prints as "!error"; anything with an operator gets parentheses so that the
      // printed form reads the way it parses.
      boolean bare =
          operand instanceof BoolTest b && b.expected()
              || operand instanceof Present
              || operand instanceof AnnotationTest a && a.op() == null;
      return bare ? "!" + operand : "!(" + operand + ")";
    }
  }

  /** {@code error}, {@code error = false}, ... ({@code expected} folds in {@code !=}). */
  record BoolTest(Keyword keyword, boolean expected) implements Expr {
    @Override
    public int precedence() {
      return 4;
    }

    @Override
    public String toString() {
      return expected ? keyword.text : keyword.text + " = false";
    }
  }

  record NumCompare(Keyword keyword, Op op, BigDecimal value) implements Expr {
    @Override
    public int precedence() {
      return 4;
    }

    @Override
    public String toString() {
      return keyword.text + " " + op.text + " " + Literal.number(value);
    }
  }

  record StrCompare(Keyword keyword, Op op, String value) implements Expr {
    @Override
    public int precedence() {
      return 4;
    }

    @Override
    public String toString() {
      return keyword.text + " " + op.text + " " + Literal.quote(value);
    }
  }

  /** A string keyword used bare: true when the field is set. */
  record Present(Keyword keyword) implements Expr {
    @Override
    public int precedence() {
      return 4;
    }

    @Override
    public String toString() {
      return keyword.text;
    }
  }

  /** {@code annotation.KEY [op value]}; {@code op} and {@code value} are null for "is set". */
  record AnnotationTest(String key, Op op, Literal value) implements Expr {
    @Override
    public int precedence() {
      return 4;
    }

    @Override
    public String toString() {
      String ref =
          key.matches("[A-Za-z_][A-Za-z0-9_.]*")
              ? "annotation." + key
              : "annotation[" + Literal.quote(key) + "]";
      return op == null ? ref : ref + " " + op.text + " " + value;
    }
  }

  /** {@code service(...)}, optionally with a filter in braces ({@code inner} may be null). */
  record ServiceFilter(NodeSelector node, Expr inner) implements Expr {
    @Override
    public int precedence() {
      return 4;
    }

    @Override
    public String toString() {
      return "service(" + node + ")" + braces(inner);
    }
  }

  /** {@code edge(from, to)}, optionally with a filter in braces ({@code inner} may be null). */
  record EdgeFilter(NodeSelector from, NodeSelector to, Expr inner) implements Expr {
    @Override
    public int precedence() {
      return 4;
    }

    @Override
    public String toString() {
      return "edge(" + from + ", " + to + ")" + braces(inner);
    }
  }

  /** {@code group.name = "x"} or {@code group.arn = "arn:..."}; {@code name} is resolved. */
  record GroupRef(boolean byArn, String value, String name, int position) implements Expr {
    @Override
    public int precedence() {
      return 4;
    }

    @Override
    public String toString() {
      return (byArn ? "group.arn" : "group.name") + " = " + Literal.quote(value);
    }
  }

  /**
   * Which node(s) {@code service()} / {@code edge()} select: all-null fields select every node; a
   * plain string selects by name; {@code id(...)} by any of name, type and account id.
   */
  record NodeSelector(String name, String type, String accountId, boolean idForm) {
    static final NodeSelector ANY = new NodeSelector(null, null, null, false);

    @Override
    public String toString() {
      if (!idForm) {
        return name == null ? "" : Literal.quote(name);
      }
      List<String> parts = new ArrayList<>();
      if (name != null) {
        parts.add("name: " + Literal.quote(name));
      }
      if (type != null) {
        parts.add("type: " + Literal.quote(type));
      }
      if (accountId != null) {
        parts.add("account.id: " + Literal.quote(accountId));
      }
      return "id(" + String.join(", ", parts) + ")";
    }
  }

  /** Comparison and string operators. */
  enum Op {
    EQ("="),
    NE("!="),
    LT("<"),
    LE("<="),
    GT(">"),
    GE(">="),
    CONTAINS("CONTAINS"),
    BEGINSWITH("BEGINSWITH"),
    ENDSWITH("ENDSWITH");

    final String text;

    Op(String text) {
      this.text = text;
    }

    boolean isStringOnly() {
      return this == CONTAINS || this == BEGINSWITH || this == ENDSWITH;
    }

    boolean isOrdering() {
      return this == LT || this == LE || this == GT || this == GE;
    }

    static Op fromToken(Token t) {
      if (t.is(Token.Kind.OPERATOR)) {
        for (Op op : values()) {
          if (op.text.equals(t.text())) {
            return op;
          }
        }
      }
      if (t.is(Token.Kind.WORD)) {
        for (Op op : values()) {
          if (op.isStringOnly() && op.text.equalsIgnoreCase(t.text())) {
            return op;
          }
        }
      }
      return null;
    }
  }

  /** A literal on the right of an annotation comparison: a string, number or boolean. */
  record Literal(Object value) {
    @Override
    public String toString() {
      if (value instanceof String s) {
        return quote(s);
      }
      if (value instanceof BigDecimal d) {
        return number(d);
      }
      return value.toString();
    }

    static String number(BigDecimal d) {
      return d.signum() == 0 ? "0" : d.stripTrailingZeros().toPlainString();
    }

    static String quote(String s) {
      StringBuilder sb = new StringBuilder("\"");
      for (int i = 0; i < s.length(); i++) {
        char c = s.charAt(i);
        switch (c) {
          case '"' -> sb.append("\\\"");
          case '\\' -> sb.append("\\\\");
          case '\n' -> sb.append("\\n");
          case '\t' -> sb.append("\\t");
          case '\r' -> sb.append("\\r");
          default -> {
            if (c < 0x20) {
              sb.append(String.format("\\u%04x", (int) c));
            } else {
              sb.append(c);
            }
          }
        }
      }
      return sb.append('"').toString();
    }
  }

  private static String wrap(Expr e, int parentPrecedence) {
    return e.precedence() < parentPrecedence ? "(" + e + ")" : e.toString();
  }

  private static String braces(Expr inner) {
    return inner == null ? "" : " { " + inner + " }";
  }
}
