package io.raybridge.exporter.xraylocal.filter;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.raybridge.xray.SegmentCodec;
import io.raybridge.xray.model.Segment;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Function;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class FilterExpressionTest {

  /**
   * A small shop: frontend → checkout → (DynamoDB | payment). Times are offsets from 1700000000 s.
   *
   * <ul>
   *   <li>T1: GET /cart, 200 in 0.12 s, user alice; checkout calls DynamoDB (inferred node).
   *   <li>T2: POST /checkout, 500 in 2.5 s, user bob; checkout faults, payment throttles (429) and
   *       ends last (trace duration 2.6 s).
   *   <li>T3: GET /search, 404 in 0.05 s, curl; customer_tier is a number here.
   *   <li>T4: in progress; an independent subsegment calls the untraced inventory service.
   *   <li>T5: a queue worker whose caller is not in the trace; 5 s; calls SQS.
   * </ul>
   */
  private static final Map<String, String> TRACES = new LinkedHashMap<>();

  static {
    TRACES.put(
        "T1",
        """
        [{"name":"frontend","id":"1000000000000001","trace_id":"1-65000000-000000000000000000000001",
          "start_time":1700000000.0,"end_time":1700000000.12,"user":"alice",
          "http":{"request":{"method":"GET","url":"https://shop.example.com/cart",
                             "user_agent":"Mozilla/5.0","client_ip":"203.0.113.5"},
                  "response":{"status":200}},
          "annotations":{"customer_tier":"gold","items":3,"vip":true},
          "subsegments":[{"name":"checkout","id":"1000000000000002","namespace":"remote",
             "start_time":1700000000.01,"end_time":1700000000.1,
             "http":{"request":{"method":"POST","url":"http://checkout:8080/api"},
                     "response":{"status":200}}}]},
         {"name":"checkout","id":"1000000000000003","trace_id":"1-65000000-000000000000000000000001",
          "parent_id":"1000000000000002","start_time":1700000000.015,"end_time":1700000000.095,
          "http":{"response":{"status":200}},"annotations":{"step":"confirm"},
          "subsegments":[{"name":"DynamoDB","id":"1000000000000004","namespace":"aws",
             "start_time":1700000000.02,"end_time":1700000000.04,
             "aws":{"operation":"GetItem","table_name":"carts"},
             "annotations":{"table":"carts"}}]}]
        """);
    TRACES.put(
        "T2",
        """
        [{"name":"frontend","id":"2000000000000001","trace_id":"1-65000000-000000000000000000000002",
          "start_time":1700000000.0,"end_time":1700000002.5,"user":"bob","fault":true,
          "http":{"request":{"method":"POST","url":"https://shop.example.com/checkout",
                             "user_agent":"Mozilla/5.0","client_ip":"198.51.100.9"},
                  "response":{"status":500}},
          "annotations":{"customer_tier":"silver","items":12,"discount":0.15,"vip":false},
          "subsegments":[{"name":"checkout","id":"2000000000000002","namespace":"remote",
             "start_time":1700000000.1,"end_time":1700000002.4,"fault":true,
             "http":{"response":{"status":500}}}]},
         {"name":"checkout","id":"2000000000000003","trace_id":"1-65000000-000000000000000000000002",
          "parent_id":"2000000000000002","start_time":1700000000.2,"end_time":1700000002.35,
          "fault":true,"http":{"response":{"status":500}},
          "subsegments":[{"name":"payment","id":"2000000000000004","namespace":"remote",
             "start_time":1700000000.3,"end_time":1700000002.3,"error":true,"throttle":true,
             "http":{"response":{"status":429}}}]},
         {"name":"payment","id":"2000000000000005","trace_id":"1-65000000-000000000000000000000002",
          "parent_id":"2000000000000004","start_time":1700000000.4,"end_time":1700000002.6,
          "error":true,"throttle":true,"http":{"response":{"status":429}}}]
        """);
    TRACES.put(
        "T3",
        """
        [{"name":"frontend","id":"3000000000000001","trace_id":"1-65000000-000000000000000000000003",
          "start_time":1700000000.0,"end_time":1700000000.05,"error":true,
          "http":{"request":{"method":"GET","url":"https://shop.example.com/search?q=Shoes",
                             "user_agent":"curl/8.0","client_ip":"10.0.0.7"},
                  "response":{"status":404}},
          "annotations":{"customer_tier":42,"quote":"say \\"hi\\""}}]
        """);
    TRACES.put(
        "T4",
        """
        [{"name":"frontend","id":"4000000000000001","trace_id":"1-65000000-000000000000000000000004",
          "start_time":1700000000.0,"in_progress":true,
          "http":{"request":{"method":"GET","url":"https://shop.example.com/cart"}}},
         {"type":"subsegment","name":"inventory","id":"4000000000000002",
          "trace_id":"1-65000000-000000000000000000000004","parent_id":"4000000000000001",
          "namespace":"remote","start_time":1700000000.01,"end_time":1700000000.3,
          "annotations":{"sku_count":7},
          "http":{"request":{"method":"GET","url":"http://inventory/stock"},
                  "response":{"status":200}}}]
        """);
    TRACES.put(
        "T5",
        """
        [{"name":"worker","id":"5000000000000001","trace_id":"1-65000000-000000000000000000000005",
          "parent_id":"ffffffffffffffff","start_time":1700000000.0,"end_time":1700000005.0,
          "origin":"AWS::EC2::Instance","aws":{"account_id":"123456789012"},
          "annotations":{"job.kind":"email","attempts":2},
          "subsegments":[{"name":"SQS","id":"5000000000000002","namespace":"aws",
             "start_time":1700000004.9,"end_time":1700000005.0}]}]
        """);
  }

  private static final Map<String, List<Segment>> DOCUMENTS = new LinkedHashMap<>();

  static {
    TRACES.forEach((id, json) -> DOCUMENTS.put(id, SegmentCodec.parse(json)));
  }

  private static final Map<String, String> GROUPS =
      Map.of(
          "slow", "responsetime > 1",
          "errors", "error OR fault",
          "everything", "",
          "loop", "group.name = \"loop\"",
          "bad", "error AN fault");

  private static final Function<String, Optional<String>> GROUP_LOOKUP =
      name -> Optional.ofNullable(GROUPS.get(name));

  private static Set<String> matching(FilterExpression f) {
    Set<String> out = new TreeSet<>();
    DOCUMENTS.forEach(
        (id, docs) -> {
          if (f.matches(docs, GROUP_LOOKUP)) {
            out.add(id);
          }
        });
    return out;
  }

  private static Arguments row(String expression, String... traces) {
    return Arguments.of(expression, Set.of(traces));
  }

  static Stream<Arguments> matchTable() {
    return Stream.of(
        row("", "T1", "T2", "T3", "T4", "T5"),
        row("responsetime > 1", "T2", "T5"),
        row("responsetime >= 2.5", "T2", "T5"),
        row("responsetime < 0.1", "T3"),
        row("responsetime <= 0.12", "T1", "T3"),
        row("responsetime = 5", "T5"),
        row("responsetime != 5", "T1", "T2", "T3"),
        row("duration > 2.55", "T2", "T5"),
        row("duration >= 5 AND duration <= 8", "T5"),
        row("duration < 0.2", "T1", "T3"),
        row("duration > 1e0", "T2", "T5"),
        row("http.status = 200", "T1"),
        row("http.status = 200.0", "T1"),
        row("http.status >= 400", "T2", "T3"),
        row("http.status != 200", "T2", "T3"),
        row("http.url = \"https://shop.example.com/cart\"", "T1", "T4"),
        row("http.url = \"https://shop.example.com/search?q=Shoes\"", "T3"),
        row("http.url CONTAINS \"/search\"", "T3"),
        row("http.url BEGINSWITH \"https://shop\"", "T1", "T2", "T3", "T4"),
        row("http.url ENDSWITH \"checkout\"", "T2"),
        row("http.url CONTAINS \"shoes\""),
        row("http.url contains \"Shoes\"", "T3"),
        row("http.method = \"POST\"", "T2"),
        row("http.method != \"GET\"", "T2"),
        row("http.useragent CONTAINS \"curl\"", "T3"),
        row("http.clientip = \"10.0.0.7\"", "T3"),
        row("http.url", "T1", "T2", "T3", "T4"),
        row("!http.url", "T5"),
        row("user = \"alice\"", "T1"),
        row("user", "T1", "T2"),
        row("user CONTAINS \"\"", "T1", "T2"),
        row("error", "T2", "T3"),
        row("fault", "T2"),
        row("throttle", "T2"),
        row("ok", "T1", "T4", "T5"),
        row("!ok", "T2", "T3"),
        row("error = false", "T1", "T4", "T5"),
        row("fault != true", "T1", "T3", "T4", "T5"),
        row("partial", "T4"),
        row("root", "T1", "T2", "T3", "T4"),
        row("inferred", "T1", "T4", "T5"),
        row("annotation.customer_tier = \"gold\"", "T1"),
        row("annotation.customer_tier", "T1", "T2", "T3"),
        row("annotation.customer_tier = 42", "T3"),
        row("annotation.customer_tier BEGINSWITH \"s\"", "T2"),
        row("annotation.items > 5", "T2"),
        row("annotation.items <= 3", "T1"),
        row("annotation.discount < 0.2", "T2"),
        row("annotation.vip = true", "T1"),
        row("annotation.vip = false", "T2"),
        row("annotation.vip = \"true\""),
        row("!annotation.vip", "T3", "T4", "T5"),
        row("annotation[job.kind] = \"email\"", "T5"),
        row("annotation[\"job.kind\"] = \"email\"", "T5"),
        row("annotation.job.kind = \"email\"", "T5"),
        row("annotation.step = \"confirm\"", "T1"),
        row("annotation.table = \"carts\"", "T1"),
        row("annotation.sku_count >= 7", "T4"),
        row("annotation.quote = \"say \\\"hi\\\"\"", "T3"),
        row("service(\"checkout\")", "T1", "T2"),
        row("service(\"payment\") { throttle }", "T2"),
        row("service(\"checkout\") { fault }", "T2"),
        row("service(\"checkout\") { responsetime < 0.1 }", "T1"),
        row("service() { fault }", "T2"),
        row("service(id(name: \"DynamoDB\", type: \"AWS::DynamoDB\"))", "T1"),
        row("service(id(type: \"AWS::EC2::Instance\"))", "T5"),
        row("service(id(account.id: \"123456789012\"))", "T5"),
        row("service(\"inventory\")", "T4"),
        row("service(\"inventory\") { inferred AND http.status = 200 }", "T4"),
        row("service(\"frontend\") { root }", "T1", "T2", "T3", "T4"),
        row("service(\"checkout\") { root }"),
        row("edge(\"frontend\", \"checkout\")", "T1", "T2"),
        row("edge(\"checkout\", \"payment\") { error }", "T2"),
        row("edge(\"checkout\", \"DynamoDB\")", "T1"),
        row("edge(\"frontend\", \"payment\")"),
        row("edge(\"frontend\", \"inventory\") { http.status = 200 }", "T4"),
        row("service(id(name: \"inventory\", type: \"remote\"))", "T4"),
        row("service(id(name: \"worker\", account.id: \"000000000000\"))"),
        row("edge(id(name: \"worker\"), id(name: \"SQS\", type: \"AWS::SQS\"))", "T5"),
        row("edge(\"frontend\", \"checkout\") { responsetime > 1 }", "T2"),
        row("ok OR fault AND responsetime < 1", "T1", "T4", "T5"),
        row("(ok OR fault) AND responsetime < 1", "T1"),
        row("NOT error AND fault"),
        row("NOT (error AND fault)", "T1", "T3", "T4", "T5"),
        row("!error OR fault", "T1", "T2", "T4", "T5"),
        row("!responsetime > 1", "T1", "T3", "T4"),
        row("not ok and not partial", "T2", "T3"),
        row("responseTime > 1 and ROOT", "T2"),
        row("ok !partial duration < 3", "T1"),
        row("error fault", "T2"),
        row("error OR fault throttle", "T2", "T3"),
        row("group.name = \"slow\"", "T2", "T5"),
        row("group.arn = \"arn:aws:xray:us-east-1:000000000000:group/slow/ABC123\"", "T2", "T5"),
        row("group.arn = \"arn:aws:xray:us-east-1:000000000000:group/slow\"", "T2", "T5"),
        row("group.name = \"errors\" AND NOT group.name = \"slow\"", "T3"),
        row("group.name = \"everything\"", "T1", "T2", "T3", "T4", "T5"));
  }

  @ParameterizedTest(name = "[{index}] {0}")
  @MethodSource("matchTable")
  void matchesExactlyTheExpectedTraces(String expression, Set<String> expected) {
    FilterExpression f = FilterExpression.parse(expression);
    assertThat(matching(f)).isEqualTo(new TreeSet<>(expected));

    // The normalized form parses to the same expression and selects the same traces.
    FilterExpression again = FilterExpression.parse(f.toString());
    assertThat(again.toString()).isEqualTo(f.toString());
    assertThat(matching(again)).isEqualTo(new TreeSet<>(expected));
  }

  static Stream<Arguments> syntaxErrors() {
    return Stream.of(
        Arguments.of("responsetime > 5 AN error", "unexpected token 'AN' at 17", 17),
        Arguments.of("error fault AN", "unexpected token 'AN' at 12", 12),
        Arguments.of("http.url = \"abc", "unterminated string starting at 11", 11),
        Arguments.of(
            "respnsetime > 1",
            "unknown keyword 'respnsetime' at 0 (did you mean 'responsetime'?)",
            0),
        Arguments.of("errror", "unknown keyword 'errror' at 0 (did you mean 'error'?)", 0),
        Arguments.of("foo = 1", "unknown keyword 'foo' at 0", 0),
        Arguments.of("responsetime >", "expected a number after '>' at 14", 14),
        Arguments.of("responsetime > \"5\"", "expected a number after '>' at 15", 15),
        Arguments.of("responsetime > 5s", "invalid number '5s' at 15", 15),
        Arguments.of("(error OR fault", "expected ')' but found end of expression at 15", 15),
        Arguments.of("error)", "unexpected token ')' at 5", 5),
        Arguments.of(
            "http.url > \"a\"", "operator '>' is not valid for string keyword 'http.url' at 9", 9),
        Arguments.of(
            "duration CONTAINS 5",
            "operator 'CONTAINS' is not valid for number keyword 'duration' at 9",
            9),
        Arguments.of(
            "error < true", "operator '<' is not valid for boolean keyword 'error' at 6", 6),
        Arguments.of("fault = yes", "expected true or false after '=' at 8", 8),
        Arguments.of("responsetime", "expected an operator after 'responsetime' at 12", 12),
        Arguments.of("http.method = GET", "expected a quoted string after '=' at 14", 14),
        Arguments.of("error AND", "expected an expression but found end of expression at 9", 9),
        Arguments.of("AND error", "expected an expression but found 'AND' at 0", 0),
        Arguments.of("error OR OR fault", "expected an expression but found 'OR' at 9", 9),
        Arguments.of("!", "expected an expression but found end of expression at 1", 1),
        Arguments.of("error # fault", "unexpected character '#' at 6", 6),
        Arguments.of("http.url = \"a\\qb\"", "invalid escape '\\q' in string at 13", 13),
        Arguments.of("name = \"x\"", "keyword 'name' is not supported at 0", 0),
        Arguments.of(
            "rootcause.fault.service { name = \"x\" }",
            "keyword 'rootcause.fault.service' is not supported at 0",
            0),
        Arguments.of(
            "service(\"a\") { service(\"b\") }",
            "'service' cannot be used inside the braces of service() or edge() at 15",
            15),
        Arguments.of(
            "service(\"a\") { annotation.x }",
            "'annotation.x' cannot be used inside the braces of service() or edge() at 15",
            15),
        Arguments.of("edge(\"a\")", "expected ',' but found ')' at 8", 8),
        Arguments.of(
            "service(id(nam: \"a\"))",
            "unknown id() field 'nam' at 11 (expected name, type or account.id)",
            11),
        Arguments.of(
            "service(id())", "id() needs at least one of name, type or account.id at 11", 11),
        Arguments.of(
            "service(id(name: \"a\", name: \"b\"))", "duplicate id() field 'name' at 22", 22),
        Arguments.of(
            "service(checkout)",
            "expected a quoted service name or id(...) but found 'checkout' at 8",
            8),
        Arguments.of("service(\"a\") { }", "expected an expression but found '}' at 15", 15),
        Arguments.of(
            "service(\"a\") { fault", "expected '}' but found end of expression at 20", 20),
        Arguments.of("id(name: \"a\")", "id() can only be used inside service() or edge() at 0", 0),
        Arguments.of("annotation. = 1", "expected an annotation key after 'annotation.' at 11", 11),
        Arguments.of("annotation.x > \"a\"", "expected a number after '>' at 15", 15),
        Arguments.of(
            "annotation.x = foo", "expected a string, number, true or false after '=' at 15", 15),
        Arguments.of("group.name \"x\"", "expected '=' after 'group.name' at 11", 11),
        Arguments.of("group.arn = \"nope\"", "invalid group ARN \"nope\" at 12", 12));
  }

  @ParameterizedTest(name = "[{index}] {0}")
  @MethodSource("syntaxErrors")
  void rejectsMalformedExpressionWithPositionedMessage(
      String expression, String message, int position) {
    assertThatThrownBy(() -> FilterExpression.parse(expression))
        .isInstanceOfSatisfying(
            FilterSyntaxException.class,
            e -> {
              assertThat(e).hasMessage(message);
              assertThat(e.position()).isEqualTo(position);
            });
  }

  static Stream<Arguments> groupErrors() {
    return Stream.of(
        Arguments.of("group.name = \"nope\"", "unknown group 'nope' at 13"),
        Arguments.of(
            "group.arn = \"arn:aws:xray:us-east-1:000000000000:group/nope/X\"",
            "unknown group 'nope' at 12"),
        Arguments.of("group.name = \"loop\"", "group 'loop' refers to itself at 13"),
        Arguments.of(
            "group.name = \"bad\"",
            "group 'bad' has an invalid filter expression at 13: unexpected token 'AN' at 6"));
  }

  /**
   * X-Ray answers a reference to a missing group with an InvalidRequestException; here the same
   * {@link FilterSyntaxException} as for malformed text is thrown when the trace is evaluated.
   */
  @ParameterizedTest(name = "[{index}] {0}")
  @MethodSource("groupErrors")
  void rejectsUnknownOrBrokenGroupWhenEvaluating(String expression, String message) {
    FilterExpression f = FilterExpression.parse(expression);
    assertThatThrownBy(() -> f.matches(DOCUMENTS.get("T1"), GROUP_LOOKUP))
        .isInstanceOf(FilterSyntaxException.class)
        .hasMessage(message);
  }

  static Stream<Arguments> normalizedForms() {
    return Stream.of(
        Arguments.of(
            "responseTime>1 and (error or FAULT)", "responsetime > 1 AND (error OR fault)"),
        Arguments.of("NOT error", "!error"),
        Arguments.of("not (error and fault)", "!(error AND fault)"),
        Arguments.of("!responsetime > 5", "!(responsetime > 5)"),
        Arguments.of("http.url contains \"a\\\"b\"", "http.url CONTAINS \"a\\\"b\""),
        Arguments.of("service( \"x\" ){fault}", "service(\"x\") { fault }"),
        Arguments.of("service ( ) { fault }", "service() { fault }"),
        Arguments.of(
            "edge(id(type:\"t\", name:\"n\"), \"b\")", "edge(id(name: \"n\", type: \"t\"), \"b\")"),
        Arguments.of("annotation[job.kind] = 1.50", "annotation.job.kind = 1.5"),
        Arguments.of("annotation[\"a b\"]", "annotation[\"a b\"]"),
        Arguments.of("error = false", "error = false"),
        Arguments.of("error != false", "error"),
        Arguments.of("fault AND (error AND throttle)", "fault AND error AND throttle"),
        Arguments.of("(ok OR fault) AND partial", "(ok OR fault) AND partial"),
        Arguments.of("ok OR (fault AND partial)", "ok OR fault AND partial"),
        Arguments.of("duration >= 2.50", "duration >= 2.5"),
        Arguments.of("GROUP.NAME = \"slow\"", "group.name = \"slow\""),
        Arguments.of("ok !partial duration<3", "ok AND !partial AND duration < 3"),
        Arguments.of("error OR fault throttle", "error OR fault AND throttle"));
  }

  @ParameterizedTest(name = "[{index}] {0}")
  @MethodSource("normalizedForms")
  void printsTheNormalizedExpression(String expression, String normalized) {
    assertThat(FilterExpression.parse(expression)).hasToString(normalized);
  }

  @Test
  void blankTextParsesToAll() {
    assertThat(FilterExpression.parse("")).isSameAs(FilterExpression.ALL);
    assertThat(FilterExpression.parse("  \t ")).isSameAs(FilterExpression.ALL);
    assertThat(FilterExpression.ALL).hasToString("");
    assertThat(FilterExpression.ALL.matches(List.of(), name -> Optional.empty())).isTrue();
  }

  @Test
  void doesNotLookUpGroupsTheExpressionDoesNotName() {
    FilterExpression f = FilterExpression.parse("fault");
    Function<String, Optional<String>> failing =
        name -> {
          throw new AssertionError("looked up " + name);
        };
    assertThat(f.matches(DOCUMENTS.get("T2"), failing)).isTrue();
  }

  @Test
  void equalExpressionsHaveEqualNormalizedForms() {
    assertThat(FilterExpression.parse("error or fault"))
        .isEqualTo(FilterExpression.parse("(ERROR OR FAULT)"))
        .hasSameHashCodeAs(FilterExpression.parse("(ERROR OR FAULT)"))
        .isNotEqualTo(FilterExpression.parse("error AND fault"));
  }
}
