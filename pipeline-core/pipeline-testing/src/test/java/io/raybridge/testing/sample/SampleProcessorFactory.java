package io.raybridge.testing.sample;

import io.opentelemetry.proto.trace.v1.ResourceSpans;
import io.opentelemetry.proto.trace.v1.ScopeSpans;
import io.opentelemetry.proto.trace.v1.Span;
import io.raybridge.pipeline.ComponentSettings;
import io.raybridge.pipeline.Processor;
import io.raybridge.pipeline.ProcessorFactory;
import io.raybridge.pipeline.Traces;
import io.raybridge.pipeline.TracesConsumer;
import io.raybridge.pipeline.processor.Processors;
import java.util.ArrayList;
import java.util.List;

/** A stateless processor: renames spans. */
public final class SampleProcessorFactory implements ProcessorFactory<SampleProcessorConfig> {

  @Override
  public String type() {
    return "sample_rename";
  }

  @Override
  public Class<SampleProcessorConfig> configType() {
    return SampleProcessorConfig.class;
  }

  @Override
  public Processor create(
      ComponentSettings settings, SampleProcessorConfig config, TracesConsumer next) {
    return Processors.stateless(settings, next, t -> rename(t, config.suffix()));
  }

  private static Traces rename(Traces traces, String suffix) {
    if (suffix.isEmpty()) {
      return traces;
    }
    List<ResourceSpans> out = new ArrayList<>();
    for (ResourceSpans rs : traces.resourceSpans()) {
      ResourceSpans.Builder b = rs.toBuilder().clearScopeSpans();
      for (ScopeSpans ss : rs.getScopeSpansList()) {
        ScopeSpans.Builder sb = ss.toBuilder().clearSpans();
        for (Span s : ss.getSpansList()) {
          sb.addSpans(s.toBuilder().setName(s.getName() + suffix));
        }
        b.addScopeSpans(sb);
      }
      out.add(b.build());
    }
    return Traces.of(out);
  }
}
