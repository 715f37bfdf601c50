package io.raybridge.pipeline.exporter;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.raybridge.pipeline.ComponentId;
import io.raybridge.pipeline.config.ConfigViolation;
import io.raybridge.pipeline.config.InvalidConfigException;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class StorageConfigTest {

  @Test
  void storageIsAbsentByDefaultSoTheQueueLivesInMemory() {
    assertThat(QueueConfig.defaults().storage()).isNull();
    assertThat(new QueueConfig(true, 2, 10, null, null, null).storage()).isNull();
  }

  @Test
  void maxSizeMibDefaultsToOneGibibyte() {
    StorageConfig s = new StorageConfig("/var/lib/raybridge/queue", null);
    assertThat(s.maxSizeMib()).isEqualTo(1024);
    assertThat(s.maxSizeBytes()).isEqualTo(1024L * 1024 * 1024);
    assertThat(s.path()).isEqualTo(Path.of("/var/lib/raybridge/queue"));
  }

  @Test
  void reportsEveryStorageViolationAtOnce() {
    assertThatThrownBy(() -> new StorageConfig(" ", 0))
        .isInstanceOfSatisfying(
            InvalidConfigException.class,
            e ->
                assertThat(e.violations())
                    .extracting(ConfigViolation::toString)
                    .containsExactly(
                        "directory: must be set to the directory that holds the queue",
                        "max_size_mib: must be >= 1, was 0"));
  }

  @Test
  void bindsTheStorageKeysUnderSendingQueue() throws Exception {
    QueueConfig q =
        new ObjectMapper()
            .readValue(
                """
                {"num_consumers": 2, "block_on_overflow": true,
                 "storage": {"directory": "/data/queue", "max_size_mib": 256}}
                """,
                QueueConfig.class);

    assertThat(q)
        .isEqualTo(
            new QueueConfig(
                true,
                2,
                1000,
                QueueSizer.REQUESTS,
                16,
                true,
                new StorageConfig("/data/queue", 256)));
  }

  @Test
  void eachExporterGetsItsOwnSubdirectory() {
    Path base = Path.of("/data/queue");
    assertThat(PersistentSendingQueue.directoryFor(base, ComponentId.parse("otlp")))
        .isEqualTo(base.resolve("otlp"));
    assertThat(PersistentSendingQueue.directoryFor(base, ComponentId.parse("otlp/backup")))
        .isEqualTo(base.resolve("otlp-backup"));
  }

  @Test
  void segmentsAreASixteenthOfTheBoundWithinLimits() {
    assertThat(PersistentSendingQueue.segmentBytesFor(1024L * 1024 * 1024)).isEqualTo(8L << 20);
    assertThat(PersistentSendingQueue.segmentBytesFor(16L << 20)).isEqualTo(1L << 20);
    assertThat(PersistentSendingQueue.segmentBytesFor(1L << 20)).isEqualTo(64L * 1024);
  }
}
