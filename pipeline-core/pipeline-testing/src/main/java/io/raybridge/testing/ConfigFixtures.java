package io.raybridge.testing;

import io.raybridge.runtime.config.ConfigBinder;
import java.util.List;

/**
 * Binds config YAML written in tests (text blocks) to config records exactly as the runtime binds a
 * component's section, so that tests see the messages users see.
 *
 * <pre>{@code
 * RetryConfig r = ConfigFixtures.bind(RetryConfig.class, """
 *     initial_interval: 1s
 *     max_interval: 10s
 *     """);
 * assertThat(ConfigFixtures.violations(RetryConfig.class, "max_interval: 1s"))
 *     .containsExactly("max_interval: max_interval (1s) must be >= initial_interval (5s)");
 * }</pre>
 */
public final class ConfigFixtures {

  private ConfigFixtures() {}

  /**
   * The record {@code yaml} binds to; {@code {}} or an empty text give the defaults.
   *
   * @throws io.raybridge.pipeline.config.InvalidConfigException with every violation
   */
  public static <C> C bind(Class<C> type, String yaml) {
    return ConfigBinder.bind(yaml, type);
  }

  /** Every problem with {@code yaml}, rendered {@code path: message}; empty when it is valid. */
  public static List<String> violations(Class<?> type, String yaml) {
    return ConfigBinder.violations(yaml, type);
  }
}
