package io.raybridge.processor.tailsampling;

import java.util.Locale;

/**
 * What one policy says about a trace. The inverted decisions come from {@code invert_match}; the
 * Collector documents how they combine (and deprecates them in favour of {@code drop} and {@code
 * not}), and {@link PolicyEngine} combines them the same way.
 */
enum Decision {
  SAMPLED,
  NOT_SAMPLED,
  INVERTED_SAMPLED,
  INVERTED_NOT_SAMPLED,
  DROPPED;

  /** Whether the policy voted to keep the trace, inverted or not. */
  boolean samples() {
    return this == SAMPLED || this == INVERTED_SAMPLED;
  }

  /** The metric attribute value. */
  String label() {
    return name().toLowerCase(Locale.ROOT);
  }
}
