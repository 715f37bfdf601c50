package io.raybridge.pipeline.exporter;

import io.raybridge.pipeline.ComponentSettings;
import io.raybridge.pipeline.Exporter;
import io.raybridge.pipeline.config.Violations;
import io.raybridge.pipeline.util.Durations;
import java.time.Duration;
import java.util.Objects;
import java.util.function.Consumer;

/**
 * Builds an {@link Exporter} from an {@link ExportFunction} by chaining, from the caller inwards:
 * the sending queue ({@code sending_queue}), retries ({@code retry_on_failure}) and the per-attempt
 * timeout ({@code timeout}), with the Collector's exporter metrics. An exporter is then its export
 * function plus its own start and shutdown:
 *
 * <pre>{@code
 * return ExporterHelper.builder(settings, client::send)
 *     .timeout(config.timeout())
 *     .retry(config.retryOnFailure())
 *     .queue(config.sendingQueue())
 *     .onStart(client::connect)
 *     .onShutdown(client::close)
 *     .build();
 * }</pre>
 *
 * <p><b>The exporter built.</b> {@code consume} is thread-safe. With the queue enabled it returns
 * as soon as the batch is queued, and throws a retryable {@link
 * io.raybridge.pipeline.ConsumerException} ("sending queue is full") when there is no room, after
 * waiting up to {@code timeout} for room if {@code block_on_overflow} is set; {@code num_consumers}
 * threads from {@link ComponentSettings#threadFactory()} export from the queue. With the queue
 * disabled, {@code consume} exports, retries and waits on the caller's thread and throws the final
 * failure to the caller. Before {@code start} and once {@code shutdown} has begun, {@code consume}
 * throws a retryable exception.
 *
 * <p><b>Shutdown.</b> {@code shutdown(timeout)} stops accepting, lets the consumers drain the queue
 * into the export function until the deadline (a retry whose next wait would end after the deadline
 * gives up), counts every batch it could not deliver in {@code otelcol_exporter_send_failed_spans}
 * and logs their total once, then calls the {@code onShutdown} hook with the time left.
 *
 * <p><b>Persistent queue.</b> With {@code sending_queue.storage} set the queue is kept on disk in a
 * write-ahead log ({@link StorageConfig}): {@code start} locks the exporter's directory (failing
 * with an {@link IllegalStateException} if another process holds it) and queues again every batch a
 * previous process left unacknowledged; a batch is deleted only after the export function
 * succeeded, failed permanently or exhausted its retries (all counted). At shutdown a batch that
 * could still be delivered is kept on disk instead of being counted as failed.
 *
 * <p><b>Metrics</b> (attribute {@code exporter=<id>}): {@code otelcol_exporter_sent_spans}, {@code
 * otelcol_exporter_send_failed_spans}, {@code otelcol_exporter_enqueue_failed_spans}, {@code
 * otelcol_exporter_queue_size} and {@code otelcol_exporter_queue_capacity} (in sizer units); with
 * storage also {@code otelcol_exporter_queue_corrupt_records}, {@code
 * otelcol_exporter_queue_recovered_spans} and {@code otelcol_exporter_queue_redelivered_spans}.
 */
public final class ExporterHelper {

  /** The per-attempt {@code timeout} of the Collector's exporters. */
  public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(5);

  private ExporterHelper() {}

  /** Starts building an exporter around {@code export}. */
  public static Builder builder(ComponentSettings settings, ExportFunction export) {
    return new Builder(settings, export);
  }

  /**
   * For an exporter config record's compact constructor: {@code timeout}, or {@link
   * #DEFAULT_TIMEOUT} when the key is absent.
   */
  public static Duration timeoutOrDefault(Duration timeout) {
    return timeout == null ? DEFAULT_TIMEOUT : timeout;
  }

  /** For an exporter config record's compact constructor: checks its {@code timeout} key. */
  public static void validateTimeout(Violations violations, Duration timeout) {
    violations.check(
        !timeout.isNegative(),
        "timeout",
        "must be >= 0 (0 means no limit), was " + Durations.format(timeout));
  }

  /** A hook run when the exporter starts. */
  @FunctionalInterface
  public interface StartHook {
    void start() throws Exception;
  }

  /** Configures the exporter; not thread-safe, use once. */
  public static final class Builder {
    final ComponentSettings settings;
    final ExportFunction export;
    Duration timeout = DEFAULT_TIMEOUT;
    RetryConfig retry = RetryConfig.defaults();
    QueueConfig queue = QueueConfig.defaults();
    SendingQueue sendingQueue;
    StartHook onStart = () -> {};
    Consumer<Duration> onShutdown = t -> {};
    Sleeper sleeper;

    private Builder(ComponentSettings settings, ExportFunction export) {
      this.settings = Objects.requireNonNull(settings, "settings");
      this.export = Objects.requireNonNull(export, "export");
    }

    /** The time one attempt may take (default 5s); 0 means no limit. */
    public Builder timeout(Duration timeout) {
      Objects.requireNonNull(timeout, "timeout");
      if (timeout.isNegative()) {
        throw new IllegalArgumentException("timeout must be >= 0, was " + timeout);
      }
      this.timeout = timeout;
      return this;
    }

    /** The retry policy (default {@link RetryConfig#defaults()}). */
    public Builder retry(RetryConfig retry) {
      this.retry = Objects.requireNonNull(retry, "retry");
      return this;
    }

    /** The sending queue (default {@link QueueConfig#defaults()}). */
    public Builder queue(QueueConfig queue) {
      this.queue = Objects.requireNonNull(queue, "queue");
      return this;
    }

    /**
     * Replaces the in-memory queue with another implementation (a persistent one, say); {@code
     * sending_queue.enabled} must be true for it to be used, and its other keys still set the
     * number of consumers and {@code block_on_overflow}.
     */
    public Builder sendingQueue(SendingQueue sendingQueue) {
      this.sendingQueue = Objects.requireNonNull(sendingQueue, "sendingQueue");
      return this;
    }

    /** Runs before the consumers start, for instance to open a connection. */
    public Builder onStart(StartHook onStart) {
      this.onStart = Objects.requireNonNull(onStart, "onStart");
      return this;
    }

    /** Runs last in shutdown, with the time left, for instance to close a connection. */
    public Builder onShutdown(Consumer<Duration> onShutdown) {
      this.onShutdown = Objects.requireNonNull(onShutdown, "onShutdown");
      return this;
    }

    /** Runs last in shutdown, for hooks that ignore the time left. */
    public Builder onShutdown(Runnable onShutdown) {
      Objects.requireNonNull(onShutdown, "onShutdown");
      this.onShutdown = t -> onShutdown.run();
      return this;
    }

    /**
     * Replaces the real-time wait between retries (tests: a sleeper that advances a fake clock).
     * Elapsed retry time is measured on {@link ComponentSettings#clock()}.
     */
    public Builder sleeper(Sleeper sleeper) {
      this.sleeper = Objects.requireNonNull(sleeper, "sleeper");
      return this;
    }

    public Exporter build() {
      return new HelperExporter(this);
    }
  }
}
