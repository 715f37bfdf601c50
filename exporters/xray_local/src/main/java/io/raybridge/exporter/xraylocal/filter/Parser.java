package io.raybridge.exporter.xraylocal.filter;

import io.raybridge.exporter.xraylocal.filter.Expr.NodeSelector;
import io.raybridge.exporter.xraylocal.filter.Expr.Op;
import java.math.BigDecimal;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/**
 * Recursive-descent parser. Precedence, loosest first: {@code OR}, {@code AND} (also implicit,
 * between adjacent terms), {@code NOT}/{@code !}; a predicate ({@code keyword operator value}) is
 * one unit, so {@code !responsetime > 5} negates the whole comparison.
 */
final class Parser {

  /** Keywords AWS documents that this implementation does not evaluate: rejected, not ignored. */
  private static final Set<String> UNSUPPORTED =
      Set.of(
          "first",
          "last",
          "remote",
          "index",
          "coverage",
          "name",
          "type",
          "message",
          "availabilityzone",
          "instance.id",
          "resource.arn",
          "json");

  private static final List<String> SUGGESTIONS =
      List.of(
          "responsetime",
          "duration",
          "http.status",
          "http.url",
          "http.method",
          "http.useragent",
          "http.clientip",
          "user",
          "ok",
          "error",
          "fault",
          "throttle",
          "partial",
          "root",
          "inferred",
          "service",
          "edge",
          "annotation",
          "group.name",
          "group.arn");

  private final List<Token> tokens;
  private int index;

  private Parser(List<Token> tokens) {
    this.tokens = tokens;
  }

  static Expr parse(String text) {
    Parser p = new Parser(Lexer.tokenize(text));
    Expr e = p.or(false);
    Token t = p.peek();
    if (!t.is(Token.Kind.END)) {
      throw error("unexpected token " + t.describe(), t);
    }
    return e;
  }

  private Expr or(boolean inBraces) {
    Expr left = and(inBraces);
    while (peek().isWord("OR")) {
      index++;
      left = new Expr.Or(left, and(inBraces));
    }
    return left;
  }

  private Expr and(boolean inBraces) {
    Expr left = unary(inBraces);
    while (true) {
      if (peek().isWord("AND")) {
        index++;
      } else if (!startsPredicate()) {
        return left;
      }
      // X-Ray's own examples join terms without AND ("ok !partial duration < 3"): a term that
      // follows directly is an implicit AND. Anything else is left for the caller to reject.
      left = new Expr.And(left, unary(inBraces));
    }
  }

  /** Whether the next token can only be the start of another term. */
  private boolean startsPredicate() {
    Token t = peek();
    if (t.is(Token.Kind.BANG) || t.is(Token.Kind.LPAREN) || t.isWord("NOT")) {
      return true;
    }
    if (!t.is(Token.Kind.WORD)) {
      return false;
    }
    String word = t.text().toLowerCase(Locale.ROOT);
    boolean call = tokens.get(Math.min(index + 1, tokens.size() - 1)).is(Token.Kind.LPAREN);
    return Keyword.find(word).isPresent()
        || word.startsWith("annotation.")
        || word.equals("annotation")
        || word.equals("group.name")
        || word.equals("group.arn")
        || (call && (word.equals("service") || word.equals("edge")));
  }

  private Expr unary(boolean inBraces) {
    Token t = peek();
    if (t.is(Token.Kind.BANG) || t.isWord("NOT")) {
      index++;
      return new Expr.Not(unary(inBraces));
    }
    if (t.is(Token.Kind.LPAREN)) {
      index++;
      Expr inner = or(inBraces);
      expect(Token.Kind.RPAREN, "')'");
      return inner;
    }
    return predicate(inBraces);
  }

  private Expr predicate(boolean inBraces) {
    Token t = next();
    if (!t.is(Token.Kind.WORD) || isReserved(t)) {
      throw error("expected an expression but found " + t.describe(), t);
    }
    String word = t.text().toLowerCase(Locale.ROOT);
    boolean call = peek().is(Token.Kind.LPAREN);
    if (word.equals("service") && call) {
      notInBraces(inBraces, t);
      index++;
      NodeSelector node = peek().is(Token.Kind.RPAREN) ? NodeSelector.ANY : selector();
      expect(Token.Kind.RPAREN, "')'");
      return new Expr.ServiceFilter(node, braces());
    }
    if (word.equals("edge") && call) {
      notInBraces(inBraces, t);
      index++;
      NodeSelector from = selector();
      expect(Token.Kind.COMMA, "','");
      NodeSelector to = selector();
      expect(Token.Kind.RPAREN, "')'");
      return new Expr.EdgeFilter(from, to, braces());
    }
    if (word.equals("id") && call) {
      throw error("id() can only be used inside service() or edge()", t);
    }
    if (word.equals("annotation") && peek().is(Token.Kind.LBRACKET)) {
      notInBraces(inBraces, t);
      index++;
      Token key = next();
      if (!(key.is(Token.Kind.STRING) || key.is(Token.Kind.WORD)) || key.text().isEmpty()) {
        throw error("expected an annotation key but found " + key.describe(), key);
      }
      expect(Token.Kind.RBRACKET, "']'");
      return annotation(key.text());
    }
    if (word.startsWith("annotation.")) {
      notInBraces(inBraces, t);
      String key = t.text().substring("annotation.".length());
      if (key.isEmpty()) {
        throw error("expected an annotation key after 'annotation.'", t.position() + 11);
      }
      return annotation(key);
    }
    if (word.equals("group.name") || word.equals("group.arn")) {
      notInBraces(inBraces, t);
      return group(t, word.equals("group.arn"));
    }
    Optional<Keyword> keyword = Keyword.find(word);
    if (keyword.isEmpty()) {
      if (UNSUPPORTED.contains(word) || word.startsWith("rootcause")) {
        throw error("keyword '" + t.text() + "' is not supported", t);
      }
      String hint = suggest(word).map(s -> " (did you mean '" + s + "'?)").orElse("");
      throw new FilterSyntaxException(
          "unknown keyword '" + t.text() + "' at " + t.position() + hint, t.position());
    }
    Keyword k = keyword.get();
    return switch (k.type) {
      case BOOLEAN -> booleanPredicate(k);
      case NUMBER -> numberPredicate(k, t);
      case STRING -> stringPredicate(k);
    };
  }

  private Expr booleanPredicate(Keyword k) {
    Token opToken = peek();
    Op op = Op.fromToken(opToken);
    if (op == null) {
      return new Expr.BoolTest(k, true);
    }
    if (op != Op.EQ && op != Op.NE) {
      throw invalidOperator(opToken, k);
    }
    index++;
    Token v = next();
    if (!(v.isWord("true") || v.isWord("false"))) {
      throw error("expected true or false after '" + opToken.text() + "'", v);
    }
    boolean value = v.isWord("true");
    return new Expr.BoolTest(k, op == Op.EQ ? value : !value);
  }

  private Expr numberPredicate(Keyword k, Token keywordToken) {
    Token opToken = peek();
    Op op = Op.fromToken(opToken);
    if (op == null) {
      throw error("expected an operator after '" + keywordToken.text() + "'", opToken);
    }
    if (op.isStringOnly()) {
      throw invalidOperator(opToken, k);
    }
    index++;
    return new Expr.NumCompare(k, op, number(opToken));
  }

  private Expr stringPredicate(Keyword k) {
    Token opToken = peek();
    Op op = Op.fromToken(opToken);
    if (op == null) {
      return new Expr.Present(k);
    }
    if (op.isOrdering()) {
      throw invalidOperator(opToken, k);
    }
    index++;
    return new Expr.StrCompare(k, op, string(opToken));
  }

  private Expr annotation(String key) {
    Token opToken = peek();
    Op op = Op.fromToken(opToken);
    if (op == null) {
      return new Expr.AnnotationTest(key, null, null);
    }
    index++;
    if (op.isOrdering()) {
      return new Expr.AnnotationTest(key, op, new Expr.Literal(number(opToken)));
    }
    if (op.isStringOnly()) {
      return new Expr.AnnotationTest(key, op, new Expr.Literal(string(opToken)));
    }
    Token v = next();
    Object value;
    if (v.is(Token.Kind.STRING)) {
      value = v.text();
    } else if (v.is(Token.Kind.NUMBER)) {
      value = new BigDecimal(v.text());
    } else if (v.isWord("true") || v.isWord("false")) {
      value = v.isWord("true");
    } else {
      throw error("expected a string, number, true or false after '" + opToken.text() + "'", v);
    }
    return new Expr.AnnotationTest(key, op, new Expr.Literal(value));
  }

  private Expr group(Token keywordToken, boolean byArn) {
    Token opToken = next();
    if (!(opToken.is(Token.Kind.OPERATOR) && opToken.text().equals("="))) {
      throw error("expected '=' after '" + keywordToken.text() + "'", opToken);
    }
    Token v = peek();
    String value = string(opToken);
    String name = value;
    if (byArn) {
      // arn:aws:xray:<region>:<account>:group/<name>[/<id>]: the name follows "group/".
      int at = value.indexOf(":group/");
      String rest = at < 0 ? "" : value.substring(at + ":group/".length());
      int slash = rest.indexOf('/');
      name = slash < 0 ? rest : rest.substring(0, slash);
      if (!value.startsWith("arn:") || name.isEmpty()) {
        throw error("invalid group ARN \"" + value + "\"", v);
      }
    }
    return new Expr.GroupRef(byArn, value, name, v.position());
  }

  private Expr braces() {
    if (!peek().is(Token.Kind.LBRACE)) {
      return null;
    }
    index++;
    Expr inner = or(true);
    expect(Token.Kind.RBRACE, "'}'");
    return inner;
  }

  private NodeSelector selector() {
    Token t = next();
    if (t.is(Token.Kind.STRING)) {
      return new NodeSelector(t.text(), null, null, false);
    }
    if (t.isWord("id") && peek().is(Token.Kind.LPAREN)) {
      index++;
      String name = null;
      String type = null;
      String account = null;
      while (true) {
        Token field = next();
        String f = field.is(Token.Kind.WORD) ? field.text().toLowerCase(Locale.ROOT) : "";
        if (!f.equals("name") && !f.equals("type") && !f.equals("account.id")) {
          if (field.is(Token.Kind.RPAREN) && name == null && type == null && account == null) {
            throw error("id() needs at least one of name, type or account.id", field);
          }
          throw new FilterSyntaxException(
              "unknown id() field "
                  + field.describe()
                  + " at "
                  + field.position()
                  + " (expected name, type or account.id)",
              field.position());
        }
        boolean duplicate =
            f.equals("name") && name != null
                || f.equals("type") && type != null
                || f.equals("account.id") && account != null;
        if (duplicate) {
          throw error("duplicate id() field '" + field.text() + "'", field);
        }
        Token colon = expect(Token.Kind.COLON, "':'");
        String value = string(colon);
        switch (f) {
          case "name" -> name = value;
          case "type" -> type = value;
          default -> account = value;
        }
        Token sep = next();
        if (sep.is(Token.Kind.RPAREN)) {
          return new NodeSelector(name, type, account, true);
        }
        if (!sep.is(Token.Kind.COMMA)) {
          throw error("expected ',' or ')' but found " + sep.describe(), sep);
        }
      }
    }
    throw error("expected a quoted service name or id(...) but found " + t.describe(), t);
  }

  private BigDecimal number(Token after) {
    Token v = next();
    if (!v.is(Token.Kind.NUMBER)) {
      throw error("expected a number after '" + after.text() + "'", v);
    }
    return new BigDecimal(v.text());
  }

  private String string(Token after) {
    Token v = next();
    if (!v.is(Token.Kind.STRING)) {
      throw error("expected a quoted string after '" + after.text() + "'", v);
    }
    return v.text();
  }

  private FilterSyntaxException invalidOperator(Token op, Keyword k) {
    return error(
        "operator '"
            + op.text()
            + "' is not valid for "
            + k.type.label()
            + " keyword '"
            + k.text
            + "'",
        op);
  }

  private static void notInBraces(boolean inBraces, Token t) {
    if (inBraces) {
      throw error("'" + t.text() + "' cannot be used inside the braces of service() or edge()", t);
    }
  }

  private static boolean isReserved(Token t) {
    return t.isWord("AND")
        || t.isWord("OR")
        || t.isWord("NOT")
        || t.isWord("CONTAINS")
        || t.isWord("BEGINSWITH")
        || t.isWord("ENDSWITH");
  }

  private Token expect(Token.Kind kind, String what) {
    Token t = next();
    if (!t.is(kind)) {
      throw error("expected " + what + " but found " + t.describe(), t);
    }
    return t;
  }

  private Token peek() {
    return tokens.get(index);
  }

  private Token next() {
    Token t = tokens.get(index);
    if (!t.is(Token.Kind.END)) {
      index++;
    }
    return t;
  }

  private static FilterSyntaxException error(String message, Token at) {
    return error(message, at.position());
  }

  private static FilterSyntaxException error(String message, int position) {
    return new FilterSyntaxException(message + " at " + position, position);
  }

  /** The closest known keyword within a small edit distance, for "did you mean". */
  static Optional<String> suggest(String word) {
    String best = null;
    int bestDistance = Integer.MAX_VALUE;
    for (String candidate : SUGGESTIONS) {
      int d = distance(word, candidate);
      if (d < bestDistance) {
        best = candidate;
        bestDistance = d;
      }
    }
    int limit = Math.min(3, Math.max(1, word.length() / 3));
    return bestDistance <= limit ? Optional.of(best) : Optional.empty();
  }

  private static int distance(String a, String b) {
    int[] prev = new int[b.length() + 1];
    int[] cur = new int[b.length() + 1];
    for (int j = 0; j <= b.length(); j++) {
      prev[j] = j;
    }
    for (int i = 1; i <= a.length(); i++) {
      cur[0] = i;
      for (int j = 1; j <= b.length(); j++) {
        int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
        cur[j] = Math.min(Math.min(cur[j - 1] + 1, prev[j] + 1), prev[j - 1] + cost);
      }
      int[] swap = prev;
      prev = cur;
      cur = swap;
    }
    return prev[b.length()];
  }
}
