package io.raybridge.processor.tailsampling;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;

/**
 * Every test of {@link TailSamplingStorageTest} with batches held as received bytes, which the
 * processor buffers without decoding them.
 */
class TailSamplingStorageEncodedTest extends TailSamplingStorageTest {

  @BeforeEach
  void encodeBatches() {
    TestSpans.encoded = true;
  }

  @AfterEach
  void decodedBatchesAgain() {
    TestSpans.encoded = false;
  }
}
