package io.raybridge.processor.headsampling;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.raybridge.pipeline.config.Violations;
import io.raybridge.xray.sampling.InvalidSamplingRulesException;
import io.raybridge.xray.sampling.SamplingRule;
import io.raybridge.xray.sampling.SamplingRuleConfig;
import io.raybridge.xray.sampling.SamplingRuleFiles;
import io.raybridge.xray.sampling.SamplingRules;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Configuration of the {@code head_sampling} processor: X-Ray sampling rules applied to each
 * trace's entry span, inline ({@code rules} + {@code default}) or from {@code rules_file} (the
 * X-Ray SDK local-rules format or the X-Ray API's {@code SamplingRuleRecords}, see {@link
 * SamplingRuleFiles}).
 *
 * @param rules inline rules, evaluated by priority then name; {@code priority} defaults to the
 *     rule's position in the list (1-based), {@code reservoir_size} to 0; {@code Default} is
 *     reserved for {@code default}
 * @param defaultRule the rule for everything else ({@code default:})
 * @param rulesFile a rule file, read at startup; relative paths resolve against the working
 *     directory; cannot be combined with {@code rules} or {@code default}
 * @param maxHold how long spans that arrive before their trace's entry span wait for it before the
 *     default rule decides them
 * @param maxHoldBytes the memory budget of waiting spans; when it is exceeded the oldest waiting
 *     traces are decided by the default rule at once
 * @param decisionCacheSize how many decided trace ids are remembered for spans arriving later
 * @param respectParentDecision whether an entry span with a parent follows the decision an upstream
 *     sampler recorded ({@code ot=th} in tracestate, else the W3C sampled flag)
 */
public record HeadSamplingConfig(
    @JsonProperty("rules") List<SamplingRuleConfig> rules,
    @JsonProperty("default") DefaultRuleConfig defaultRule,
    @JsonProperty("rules_file") String rulesFile,
    @JsonProperty("max_hold") Duration maxHold,
    @JsonProperty("max_hold_bytes") Long maxHoldBytes,
    @JsonProperty("decision_cache_size") Integer decisionCacheSize,
    @JsonProperty("respect_parent_decision") Boolean respectParentDecision) {

  public static final Duration DEFAULT_MAX_HOLD = Duration.ofSeconds(5);
  public static final long DEFAULT_MAX_HOLD_BYTES = 16L * 1024 * 1024;
  public static final int DEFAULT_DECISION_CACHE_SIZE = 100_000;

  public HeadSamplingConfig {
    boolean inline = rules != null || defaultRule != null;
    rules = rules == null ? List.of() : List.copyOf(rules);
    maxHold = maxHold == null ? DEFAULT_MAX_HOLD : maxHold;
    maxHoldBytes = maxHoldBytes == null ? DEFAULT_MAX_HOLD_BYTES : maxHoldBytes;
    decisionCacheSize = decisionCacheSize == null ? DEFAULT_DECISION_CACHE_SIZE : decisionCacheSize;
    respectParentDecision = respectParentDecision != null && respectParentDecision;
    Violations v = new Violations();
    Map<String, Integer> names = new HashMap<>();
    for (int i = 0; i < rules.size(); i++) {
      SamplingRuleConfig rule = rules.get(i);
      String at = "rules[" + i + "]";
      if (rule.isDefault()) {
        v.add(
            at + ".rule_name",
            "\"Default\" is reserved for the default rule; set its rate under default");
      } else {
        v.addAll(at, rule.violations(i + 1, 0));
      }
      Integer first = rule.ruleName() == null ? null : names.putIfAbsent(rule.ruleName(), i);
      if (first != null) {
        v.add(
            at + ".rule_name",
            "duplicate rule name \"" + rule.ruleName() + "\" (also rules[" + first + "])");
      }
    }
    if (rulesFile != null) {
      if (inline) {
        v.add("rules_file", "cannot be combined with rules or default; put every rule in the file");
      } else {
        try {
          SamplingRuleFiles.read(Path.of(rulesFile));
        } catch (IOException | UncheckedIOException | java.nio.file.InvalidPathException e) {
          v.add("rules_file", "cannot read \"" + rulesFile + "\": " + describe(e));
        } catch (InvalidSamplingRulesException e) {
          for (String problem : e.problems()) {
            v.add("rules_file", "\"" + rulesFile + "\": " + problem);
          }
        }
      }
    }
    v.check(maxHold.compareTo(Duration.ZERO) > 0, "max_hold", "must be positive, was " + maxHold);
    v.check(maxHoldBytes > 0, "max_hold_bytes", "must be > 0, was " + maxHoldBytes);
    v.check(
        decisionCacheSize >= 1, "decision_cache_size", "must be >= 1, was " + decisionCacheSize);
    v.throwIfAny();
  }

  private static String describe(Exception e) {
    Throwable t = e instanceof UncheckedIOException u ? u.getCause() : e;
    return t instanceof java.nio.file.NoSuchFileException
        ? "no such file"
        : t.getClass().getSimpleName() + (t.getMessage() == null ? "" : ": " + t.getMessage());
  }

  /**
   * The rule set: read from {@code rules_file}, or built from the inline rules and default.
   *
   * @throws IOException if the rule file cannot be read (it was readable at validation)
   */
  SamplingRules samplingRules() throws IOException {
    if (rulesFile != null) {
      return SamplingRuleFiles.read(Path.of(rulesFile));
    }
    List<SamplingRule> list = new ArrayList<>(rules.size());
    for (int i = 0; i < rules.size(); i++) {
      list.add(rules.get(i).toRule(i + 1, 0));
    }
    DefaultRuleConfig def = defaultRule != null ? defaultRule : new DefaultRuleConfig(null, null);
    return SamplingRules.of(list, def.toRule());
  }
}
