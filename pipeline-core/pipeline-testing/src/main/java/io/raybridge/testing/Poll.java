package io.raybridge.testing;

import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/**
 * Waits for a condition by polling it until a deadline, the way tests wait for results of
 * asynchronous work (never by sleeping a fixed time).
 */
public final class Poll {

  private static final long INTERVAL_NANOS = Duration.ofMillis(2).toNanos();

  private Poll() {}

  /** Whether {@code condition} became true within {@code timeout}. */
  public static boolean until(BooleanSupplier condition, Duration timeout) {
    Objects.requireNonNull(condition, "condition");
    long deadline = System.nanoTime() + timeout.toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() - deadline >= 0) {
        return false;
      }
      LockSupport.parkNanos(INTERVAL_NANOS);
    }
    return true;
  }

  /**
   * Waits for {@code condition}, failing with {@code describe}'s text (evaluated at the deadline)
   * when it does not hold within {@code timeout}.
   */
  public static void await(BooleanSupplier condition, Duration timeout, Supplier<String> describe) {
    if (!until(condition, timeout)) {
      throw new AssertionError(
          "condition not met within " + timeout.toMillis() + "ms: " + describe.get());
    }
  }
}
