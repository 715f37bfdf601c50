package io.raybridge.testing.sample;

import com.fasterxml.jackson.annotation.JsonProperty;

/** Appends {@code suffix} to every span name. */
public record SampleProcessorConfig(@JsonProperty("suffix") String suffix) {
  public SampleProcessorConfig {
    suffix = suffix == null ? "" : suffix;
  }
}
