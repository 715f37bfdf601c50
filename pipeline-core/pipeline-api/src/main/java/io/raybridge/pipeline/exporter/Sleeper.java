package io.raybridge.pipeline.exporter;

import java.time.Duration;

/**
 * Waits between retry attempts. The default waits in real time and wakes early when the exporter
 * starts shutting down; tests inject one that advances a fake clock instead, so that backoff
 * sequences are checked without waiting.
 */
@FunctionalInterface
public interface Sleeper {

  /** Waits for {@code duration}, or less if interrupted. */
  void sleep(Duration duration) throws InterruptedException;
}
