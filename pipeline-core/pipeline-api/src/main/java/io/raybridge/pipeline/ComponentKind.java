package io.raybridge.pipeline;

import java.util.Locale;

/** The three kinds of pipeline component. */
public enum ComponentKind {
  RECEIVER,
  PROCESSOR,
  EXPORTER;

  /** The lower-case name used in config sections ("receivers") and metric labels ("receiver"). */
  public String label() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** The top-level config section that holds components of this kind. */
  public String section() {
    return label() + "s";
  }
}
