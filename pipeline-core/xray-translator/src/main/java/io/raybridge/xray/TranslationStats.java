package io.raybridge.xray;

import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.atomic.LongAdder;

/**
 * Counters of translation outcomes that are not plain successes. Thread-safe; one instance may be
 * shared by many converters and read at any time.
 */
public final class TranslationStats {

  /** What happened to a span, an annotation, or a document. */
  public enum Outcome {
    /** Span dropped: its trace id is not a plausible X-Ray id and the policy is {@code drop}. */
    DROPPED_INVALID_TRACE_ID,
    /** Span dropped: its span id is empty or all zeros. */
    DROPPED_INVALID_SPAN_ID,
    /** An annotation beyond {@code max_annotations}, written to metadata instead. */
    ANNOTATION_OVERFLOW,
    /** An attribute chosen as annotation whose value type X-Ray cannot index; sent as metadata. */
    ANNOTATION_TO_METADATA,
    /** A subsegment moved out of an oversized document as an independent subsegment. */
    SUBSEGMENT_SPLIT_OUT,
    /** A document whose metadata was trimmed to fit 64 KB. */
    METADATA_TRIMMED,
    /** A document still over 64 KB after splitting and trimming (sent anyway). */
    DOCUMENT_OVERSIZED,
    /** A non-finite double (NaN, infinity) written as a string. */
    NON_FINITE_NUMBER
  }

  private final Map<Outcome, LongAdder> counters = new EnumMap<>(Outcome.class);

  public TranslationStats() {
    for (Outcome o : Outcome.values()) {
      counters.put(o, new LongAdder());
    }
  }

  void add(Outcome outcome, long n) {
    counters.get(outcome).add(n);
  }

  void increment(Outcome outcome) {
    counters.get(outcome).increment();
  }

  /** The count for one outcome. */
  public long get(Outcome outcome) {
    return counters.get(outcome).sum();
  }

  /** A snapshot of all counters. */
  public Map<Outcome, Long> snapshot() {
    Map<Outcome, Long> out = new EnumMap<>(Outcome.class);
    counters.forEach((k, v) -> out.put(k, v.sum()));
    return out;
  }
}
