package io.raybridge.exporter.debug;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.raybridge.pipeline.config.Violations;

/**
 * Configuration of the {@code debug} exporter, with the OpenTelemetry Collector's keys and
 * defaults.
 *
 * @param verbosity how much to write per batch
 * @param samplingInitial batches written in full each second before sampling starts
 * @param samplingThereafter after {@code sampling_initial} batches in a second, write one in this
 *     many
 */
public record DebugExporterConfig(
    @JsonProperty("verbosity") Verbosity verbosity,
    @JsonProperty("sampling_initial") Integer samplingInitial,
    @JsonProperty("sampling_thereafter") Integer samplingThereafter) {

  public static final int DEFAULT_SAMPLING_INITIAL = 5;
  public static final int DEFAULT_SAMPLING_THEREAFTER = 200;

  /** How much the exporter writes. */
  public enum Verbosity {
    /** One line per batch with the resource-spans and span counts. */
    @JsonProperty("basic")
    BASIC,
    /** One line per span: ids, name, kind, duration, status. */
    @JsonProperty("normal")
    NORMAL,
    /** Everything: resources, scopes, spans, attributes, events and links. */
    @JsonProperty("detailed")
    DETAILED
  }

  public DebugExporterConfig {
    verbosity = verbosity == null ? Verbosity.BASIC : verbosity;
    samplingInitial = samplingInitial == null ? DEFAULT_SAMPLING_INITIAL : samplingInitial;
    samplingThereafter =
        samplingThereafter == null ? DEFAULT_SAMPLING_THEREAFTER : samplingThereafter;
    new Violations()
        .check(samplingInitial >= 1, "sampling_initial", "must be >= 1, was " + samplingInitial)
        .check(
            samplingThereafter >= 1,
            "sampling_thereafter",
            "must be >= 1, was " + samplingThereafter)
        .throwIfAny();
  }

  /** The defaults: basic verbosity, sampling 5 then 1 in 200 per second. */
  public static DebugExporterConfig defaults() {
    return new DebugExporterConfig(null, null, null);
  }
}
