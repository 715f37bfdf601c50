package io.raybridge.xray.sampling;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class GlobTest {

  private static final List<String> PATTERNS =
      List.of(
          "*",
          "**",
          "***",
          "",
          "GET",
          "get",
          "/health",
          "/pay/*",
          "/pay/**",
          "*.example.com",
          "*admin*",
          "**admin**",
          "*a*b*",
          "a*b",
          "?",
          "??",
          "/api/?",
          "a?c*",
          "*?",
          "?*",
          "*/*",
          "a*",
          "*a",
          "*A*",
          "ß",
          "*straße*",
          "İ*",
          "*k",
          "K",
          "\u212a",
          "*\u212a*",
          "i*",
          "*s",
          "*S*",
          "\u0131",
          "\u017f");

  private static final List<String> TEXTS =
      Arrays.asList(
          null,
          "",
          "a",
          "A",
          "ab",
          "ba",
          "abc",
          "aXc",
          "GET",
          "get",
          "Get",
          "POST",
          "/health",
          "/HEALTH",
          "/health/",
          "/pay/",
          "/pay/1",
          "/PAY/2/3",
          "/pa",
          "shop.example.com",
          "SHOP.EXAMPLE.COM",
          ".example.com",
          "example.com",
          "admin",
          "my-ADMIN-tool",
          "adm",
          "xaybz",
          "a/b",
          "/api/x",
          "/api/xy",
          "STRASSE",
          "straße",
          "my-straße-1",
          "İstanbul",
          "istanbul",
          "k",
          "K",
          "\u212a",
          "ok",
          "o\u212a",
          "\u0131",
          "I",
          "i",
          "\u017f",
          "s",
          "xs",
          "x\u017f",
          "\ud801\udc00",
          "\ud801\udc28");

  @Test
  void compiledPatternsMatchExactlyAsTheInterpretedGlob() {
    for (String pattern : PATTERNS) {
      Glob glob = Glob.compile(pattern);
      for (String text : TEXTS) {
        assertThat(glob.matches(text))
            .as("pattern \"%s\" (shape %d), text \"%s\"", pattern, glob.shape(), text)
            .isEqualTo(RuleMatcher.wildcardMatch(pattern, text));
      }
    }
  }

  @Test
  void compiledPatternsAgreeWithTheGlobOnRandomInput() {
    SplittableRandom random = new SplittableRandom(7);
    String alphabet = "aAbB*?/-";
    for (int round = 0; round < 20_000; round++) {
      String pattern = randomText(random, alphabet, 6);
      String text = randomText(random, "aAbB/-", 8);
      assertThat(Glob.compile(pattern).matches(text))
          .as("pattern \"%s\", text \"%s\"", pattern, text)
          .isEqualTo(RuleMatcher.wildcardMatch(pattern, text));
    }
  }

  @Test
  void choosesTheCheapestShape() {
    assertThat(Glob.compile("*").shape()).isEqualTo(Glob.ANY);
    assertThat(Glob.compile("**").shape()).isEqualTo(Glob.PRESENT);
    assertThat(Glob.compile("GET").shape()).isEqualTo(Glob.EXACT);
    assertThat(Glob.compile("").shape()).isEqualTo(Glob.EXACT);
    assertThat(Glob.compile("/pay/*").shape()).isEqualTo(Glob.PREFIX);
    assertThat(Glob.compile("*.example.com").shape()).isEqualTo(Glob.SUFFIX);
    assertThat(Glob.compile("*admin*").shape()).isEqualTo(Glob.CONTAINS);
    assertThat(Glob.compile("/api/?").shape()).isEqualTo(Glob.GENERAL);
    assertThat(Glob.compile("a*b").shape()).isEqualTo(Glob.GENERAL);
  }

  @Test
  void compiledRulesMatchAsTheInterpretedRules() {
    List<SamplingRule> rules = new ArrayList<>();
    List<SamplingRequest> requests = new ArrayList<>();
    SplittableRandom random = new SplittableRandom(11);
    String[] patterns = {"*", "**", "GET", "/pay/*", "*.com", "*a*", "a?", ""};
    String[] values = {null, "", "GET", "get", "/pay/1", "x.com", "bab", "aB", "a"};
    for (int i = 0; i < 300; i++) {
      rules.add(
          new SamplingRule(
              "r" + i,
              1,
              0.1,
              0,
              pick(random, patterns),
              pick(random, patterns),
              pick(random, patterns),
              pick(random, patterns),
              pick(random, patterns),
              pick(random, patterns),
              random.nextInt(3) == 0 ? Map.of("k", pick(random, ATTRIBUTE_PATTERNS)) : Map.of(),
              1));
      requests.add(
          new SamplingRequest(
              pick(random, values),
              pick(random, values),
              pick(random, values),
              pick(random, values),
              pick(random, values),
              pick(random, values),
              random.nextBoolean() ? Map.of("k", "aB") : Map.of()));
    }
    for (SamplingRule rule : rules) {
      CompiledRule compiled = new CompiledRule(rule);
      for (SamplingRequest request : requests) {
        assertThat(compiled.matches(request))
            .as("%s / %s", rule, request)
            .isEqualTo(RuleMatcher.matches(rule, request));
      }
    }
  }

  private static final String[] ATTRIBUTE_PATTERNS = {"*", "a?", "*B", "ab"};

  private static String pick(SplittableRandom random, String[] values) {
    return values[random.nextInt(values.length)];
  }

  private static String randomText(SplittableRandom random, String alphabet, int maxLength) {
    int n = random.nextInt(maxLength + 1);
    StringBuilder b = new StringBuilder(n);
    for (int i = 0; i < n; i++) {
      b.append(alphabet.charAt(random.nextInt(alphabet.length())));
    }
    return b.toString();
  }
}
