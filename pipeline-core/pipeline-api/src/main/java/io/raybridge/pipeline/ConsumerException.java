package io.raybridge.pipeline;

import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * Thrown by {@link TracesConsumer#consume} when a batch was not accepted.
 *
 * <p>A <em>retryable</em> failure says "back off and try again": the downstream is full, slow or
 * unreachable. Receivers answer it with the protocol's retryable refusal (gRPC {@code UNAVAILABLE},
 * HTTP 503 with {@code Retry-After}), and the exporter helper retries it. A <em>permanent</em>
 * failure says the data itself is bad: it is answered with {@code INVALID_ARGUMENT} / HTTP 400,
 * never retried, and counted.
 */
public final class ConsumerException extends RuntimeException {

  private static final long serialVersionUID = 1L;

  private final boolean retryable;
  private final transient Duration retryAfter;

  private ConsumerException(
      String message, Throwable cause, boolean retryable, Duration retryAfter) {
    super(Objects.requireNonNull(message, "message"), cause);
    this.retryable = retryable;
    this.retryAfter = retryAfter;
  }

  /** The downstream cannot take the data now; the caller should back off and try again. */
  public static ConsumerException retryable(String message) {
    return new ConsumerException(message, null, true, null);
  }

  /** As {@link #retryable(String)}, with the underlying cause. */
  public static ConsumerException retryable(String message, Throwable cause) {
    return new ConsumerException(message, cause, true, null);
  }

  /** As {@link #retryable(String)}, with a server-suggested delay before the next attempt. */
  public static ConsumerException retryable(String message, Duration retryAfter) {
    return new ConsumerException(
        message, null, true, Objects.requireNonNull(retryAfter, "retryAfter"));
  }

  /** The data is bad and will never be accepted; retrying is pointless. */
  public static ConsumerException permanent(String message) {
    return new ConsumerException(message, null, false, null);
  }

  /** As {@link #permanent(String)}, with the underlying cause. */
  public static ConsumerException permanent(String message, Throwable cause) {
    return new ConsumerException(message, cause, false, null);
  }

  /**
   * Classifies any throwable: a {@code ConsumerException} is returned as it is; anything else is an
   * unexpected failure and is treated as permanent.
   */
  public static ConsumerException from(Throwable t) {
    if (t instanceof ConsumerException ce) {
      return ce;
    }
    return permanent(String.valueOf(t), t);
  }

  /** Whether trying again later may succeed. */
  public boolean isRetryable() {
    return retryable;
  }

  /** Whether the data itself was rejected. */
  public boolean isPermanent() {
    return !retryable;
  }

  /** The delay the downstream asked for before the next attempt, if it gave one. */
  public Optional<Duration> retryAfter() {
    return Optional.ofNullable(retryAfter);
  }
}
