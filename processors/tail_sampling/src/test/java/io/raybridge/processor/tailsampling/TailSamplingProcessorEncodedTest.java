package io.raybridge.processor.tailsampling;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;

/**
 * Every test of {@link TailSamplingProcessorTest} with batches held as received bytes, which the
 * processor buffers without decoding them.
 */
class TailSamplingProcessorEncodedTest extends TailSamplingProcessorTest {

  @BeforeEach
  void encodeBatches() {
    TestSpans.encoded = true;
  }

  @AfterEach
  void decodedBatchesAgain() {
    TestSpans.encoded = false;
  }
}
