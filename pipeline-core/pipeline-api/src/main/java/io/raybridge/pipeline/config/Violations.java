package io.raybridge.pipeline.config;

import java.util.ArrayList;
import java.util.List;

/**
 * Collects the violations of a config record's constructor, then throws them together:
 *
 * <pre>{@code
 * Violations v = new Violations();
 * v.check(sendBatchSize >= 0, "send_batch_size", "must be >= 0, was " + sendBatchSize);
 * v.throwIfAny();
 * }</pre>
 */
public final class Violations {

  private final List<ConfigViolation> list = new ArrayList<>();

  /** Records {@code message} at {@code path} unless {@code ok}. */
  public Violations check(boolean ok, String path, String message) {
    if (!ok) {
      list.add(new ConfigViolation(path, message));
    }
    return this;
  }

  /** Records a violation. */
  public Violations add(String path, String message) {
    list.add(new ConfigViolation(path, message));
    return this;
  }

  /** Records the violations of a nested record, under its path. */
  public Violations addAll(String prefix, List<ConfigViolation> nested) {
    for (ConfigViolation cv : nested) {
      list.add(cv.under(prefix));
    }
    return this;
  }

  public boolean isEmpty() {
    return list.isEmpty();
  }

  public List<ConfigViolation> list() {
    return List.copyOf(list);
  }

  /** Throws an {@link InvalidConfigException} holding every recorded violation, if any. */
  public void throwIfAny() {
    if (!list.isEmpty()) {
      throw new InvalidConfigException(list);
    }
  }
}
