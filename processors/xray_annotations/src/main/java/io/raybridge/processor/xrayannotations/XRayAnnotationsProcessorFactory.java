package io.raybridge.processor.xrayannotations;

import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.metrics.LongCounter;
import io.raybridge.pipeline.ComponentSettings;
import io.raybridge.pipeline.ComponentTelemetry;
import io.raybridge.pipeline.Processor;
import io.raybridge.pipeline.ProcessorFactory;
import io.raybridge.pipeline.TracesConsumer;
import io.raybridge.pipeline.processor.Processors;
import io.raybridge.processor.xrayannotations.XRayAnnotationsProcessorConfig.OnInvalid;
import java.util.EnumMap;
import java.util.Map;
import java.util.Objects;

/**
 * Creates {@code xray_annotations} processors: they decide which span attributes become X-Ray
 * annotations (renamed, typed, within a budget) and which metadata namespace every other attribute
 * goes to, and record the decision on the span in the attributes the X-Ray translator honours
 * ({@code aws.xray.annotations}, {@code aws.xray.metadata.<namespace>}). Stateless; each batch is
 * handled on the caller's thread.
 */
public final class XRayAnnotationsProcessorFactory
    implements ProcessorFactory<XRayAnnotationsProcessorConfig> {

  /** The component type. */
  public static final String TYPE = "xray_annotations";

  static final String METRIC_PROMOTED = "raybridge_processor_xray_annotations_promoted";
  static final String METRIC_OVERFLOW = "raybridge_processor_xray_annotations_overflow";
  static final String METRIC_INVALID = "raybridge_processor_xray_annotations_invalid";

  @Override
  public String type() {
    return TYPE;
  }

  @Override
  public Class<XRayAnnotationsProcessorConfig> configType() {
    return XRayAnnotationsProcessorConfig.class;
  }

  @Override
  public Processor create(
      ComponentSettings settings, XRayAnnotationsProcessorConfig config, TracesConsumer next) {
    Objects.requireNonNull(settings, "settings");
    Objects.requireNonNull(config, "config");
    Objects.requireNonNull(next, "next");
    AnnotationMapper mapper = new AnnotationMapper(config, new Metrics(settings.telemetry()));
    return Processors.stateless(settings, next, mapper::apply);
  }

  /** The processor's counters, with their attribute sets built once. */
  private static final class Metrics implements AnnotationMapper.Recorder {
    private final LongCounter promoted;
    private final LongCounter overflow;
    private final LongCounter invalid;
    private final Attributes component;
    private final Map<AnnotationMapper.Reason, Map<OnInvalid, Attributes>> reasons =
        new EnumMap<>(AnnotationMapper.Reason.class);

    Metrics(ComponentTelemetry telemetry) {
      promoted =
          telemetry.counter(
              METRIC_PROMOTED, "{annotations}", "Span attributes written as X-Ray annotations.");
      overflow =
          telemetry.counter(
              METRIC_OVERFLOW,
              "{attributes}",
              "Selected attributes left as metadata because the span's annotation budget was"
                  + " spent.");
      invalid =
          telemetry.counter(
              METRIC_INVALID,
              "{attributes}",
              "Selected attributes X-Ray would refuse as annotations, by reason and action.");
      component = telemetry.attributes();
      for (AnnotationMapper.Reason r : AnnotationMapper.Reason.values()) {
        Map<OnInvalid, Attributes> byAction = new EnumMap<>(OnInvalid.class);
        for (OnInvalid a : OnInvalid.values()) {
          byAction.put(
              a,
              component.toBuilder()
                  .put("reason", r.label())
                  .put("action", a.name().toLowerCase(java.util.Locale.ROOT))
                  .build());
        }
        reasons.put(r, byAction);
      }
    }

    @Override
    public void promoted() {
      promoted.add(1, component);
    }

    @Override
    public void overflow() {
      overflow.add(1, component);
    }

    @Override
    public void invalid(AnnotationMapper.Reason reason, OnInvalid action) {
      invalid.add(1, reasons.get(reason).get(action));
    }
  }
}
