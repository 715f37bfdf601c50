package io.raybridge.xray.sampling;

import java.util.Objects;

/**
 * One problem with a sampling rule: the field it concerns and what is wrong with it, including the
 * offending value. The message does not name the field, so that each rule source can render it with
 * its own key ({@code FixedRate} in the X-Ray API shape, {@code rate} or {@code fixed_rate} in a
 * local rule file or the collector's YAML).
 *
 * @param field the field at fault
 * @param message what is wrong, e.g. {@code must be between 0 and 1, was 1.5}
 */
public record RuleProblem(SamplingRule.Field field, String message) {

  public RuleProblem {
    Objects.requireNonNull(field, "field");
    Objects.requireNonNull(message, "message");
  }

  @Override
  public String toString() {
    return field.apiName() + " " + message;
  }
}
