package io.raybridge.processor.xrayannotations;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.common.v1.ArrayValue;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.trace.v1.ResourceSpans;
import io.opentelemetry.proto.trace.v1.ScopeSpans;
import io.opentelemetry.proto.trace.v1.Span;
import io.raybridge.pipeline.Traces;
import io.raybridge.processor.xrayannotations.AnnotationRule.SpanKindName;
import io.raybridge.processor.xrayannotations.XRayAnnotationsProcessorConfig.OnInvalid;
import io.raybridge.xray.XRayAttributes;
import java.io.IOException;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Base64;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;

/**
 * Applies the rules to each span: annotation attributes listed in {@code aws.xray.annotations},
 * metadata namespaces as {@code aws.xray.metadata.<ns>} JSON objects, the conventions the X-Ray
 * translator honours. Spans that need no change are passed on as they are. Thread-safe.
 */
final class AnnotationMapper {

  /** X-Ray's limit for string values (XRAY-REFERENCE §1.12). */
  static final int MAX_STRING_LENGTH = 250;

  /** Metadata namespace of the {@code explain} output. */
  static final String EXPLAIN_NAMESPACE = "raybridge";

  private static final int CANDIDATE_CACHE_LIMIT = 10_000;
  private static final int[] NONE = new int[0];
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

  /** Why a selected attribute did not become an annotation. */
  enum Reason {
    UNSUPPORTED_TYPE,
    NON_FINITE_NUMBER,
    STRING_TOO_LONG,
    COERCION_FAILED,
    INVALID_KEY,
    DUPLICATE_KEY,
    KEY_CONFLICT,
    OVER_BUDGET;

    String label() {
      return name().toLowerCase(java.util.Locale.ROOT);
    }
  }

  /** Where decisions are counted. */
  interface Recorder {
    void promoted();

    void overflow();

    void invalid(Reason reason, OnInvalid action);
  }

  private final XRayAnnotationsProcessorConfig config;
  private final List<AnnotationRule> rules;
  private final Pattern[] patterns;
  private final List<EnumSet<Span.SpanKind>> kinds = new ArrayList<>();
  private final List<Set<String>> services = new ArrayList<>();
  private final boolean hasSpanRules;
  private final boolean hasResourceRules;
  private final Recorder recorder;
  private final Map<String, int[]> spanCandidates = new ConcurrentHashMap<>();

  AnnotationMapper(XRayAnnotationsProcessorConfig config, Recorder recorder) {
    this.config = config;
    this.recorder = recorder;
    this.rules = config.rules();
    this.patterns = new Pattern[rules.size()];
    boolean span = false;
    boolean resource = false;
    for (int i = 0; i < rules.size(); i++) {
      AnnotationRule r = rules.get(i);
      patterns[i] = r.pattern();
      EnumSet<Span.SpanKind> k = EnumSet.noneOf(Span.SpanKind.class);
      for (SpanKindName n : r.spanKinds()) {
        k.add(Span.SpanKind.valueOf("SPAN_KIND_" + n.name()));
      }
      kinds.add(k);
      services.add(Set.copyOf(r.services()));
      span |= r.from() == AnnotationRule.Source.SPAN;
      resource |= r.from() == AnnotationRule.Source.RESOURCE;
    }
    this.hasSpanRules = span;
    this.hasResourceRules = resource;
  }

  Traces apply(Traces in) {
    if (rules.isEmpty() && !config.metadata().routes()) {
      return in;
    }
    List<ResourceSpans> list = in.resourceSpans();
    List<ResourceSpans> out = null;
    for (int i = 0; i < list.size(); i++) {
      ResourceSpans rs = list.get(i);
      ResourceSpans mapped = map(rs);
      if (mapped != rs && out == null) {
        out = new ArrayList<>(list.subList(0, i));
      }
      if (out != null) {
        out.add(mapped);
      }
    }
    return out == null ? in : Traces.of(out);
  }

  private ResourceSpans map(ResourceSpans rs) {
    String service = null;
    List<KeyValue> resourceAttrs = rs.getResource().getAttributesList();
    for (KeyValue kv : resourceAttrs) {
      if (kv.getKey().equals("service.name") && kv.getValue().hasStringValue()) {
        service = kv.getValue().getStringValue();
      }
    }
    ResourceSpans.Builder builder = null;
    for (int s = 0; s < rs.getScopeSpansCount(); s++) {
      ScopeSpans ss = rs.getScopeSpans(s);
      ScopeSpans.Builder scopeBuilder = null;
      for (int i = 0; i < ss.getSpansCount(); i++) {
        Span span = ss.getSpans(i);
        Span mapped = mapSpan(span, service, resourceAttrs);
        if (mapped != span) {
          if (scopeBuilder == null) {
            scopeBuilder = ss.toBuilder();
          }
          scopeBuilder.setSpans(i, mapped);
        }
      }
      if (scopeBuilder != null) {
        if (builder == null) {
          builder = rs.toBuilder();
        }
        builder.setScopeSpans(s, scopeBuilder.build());
      }
    }
    return builder == null ? rs : builder.build();
  }

  /** An attribute a rule selected. */
  private record Selection(int rule, int index, KeyValue kv, boolean fromSpan) {}

  /** What becomes of a span attribute. */
  private enum Fate {
    ROUTE,
    PROMOTED,
    PROMOTED_AND_METADATA,
    DROPPED
  }

  Span mapSpan(Span span, String service, List<KeyValue> resourceAttrs) {
    List<KeyValue> attrs = span.getAttributesList();
    // Annotations the span already has (from an X-Ray document or set by the application) are
    // kept as they are and take their share of the budget first.
    List<String> existing = existingAnnotations(attrs);
    Set<String> existingKeys = Set.copyOf(existing);
    Map<String, Integer> lastIndex = new HashMap<>();
    for (int i = 0; i < attrs.size(); i++) {
      lastIndex.put(attrs.get(i).getKey(), i);
    }

    List<Selection> selections = new ArrayList<>();
    if (hasSpanRules) {
      for (int i = 0; i < attrs.size(); i++) {
        KeyValue kv = attrs.get(i);
        String key = kv.getKey();
        if (lastIndex.get(key) != i || key.startsWith("aws.xray.") || existingKeys.contains(key)) {
          continue;
        }
        int rule = firstRule(spanCandidates(key), service, span.getKind());
        if (rule >= 0) {
          selections.add(new Selection(rule, i, kv, true));
        }
      }
    }
    if (hasResourceRules) {
      for (int i = 0; i < resourceAttrs.size(); i++) {
        KeyValue kv = resourceAttrs.get(i);
        int rule = firstRule(resourceCandidates(kv.getKey()), service, span.getKind());
        if (rule >= 0) {
          selections.add(new Selection(rule, i, kv, false));
        }
      }
    }
    boolean routes = config.metadata().routes();
    if (selections.isEmpty() && !routes) {
      return span;
    }
    // Budget is filled in rule order; within a rule, span attributes in their order, then
    // resource attributes.
    selections.sort((a, b) -> Integer.compare(a.rule, b.rule));

    int budget = Math.max(0, config.maxAnnotations() - existing.size());
    Map<String, AnyValue> annotations = new LinkedHashMap<>();
    Map<String, Integer> annotationSource = new HashMap<>();
    Set<String> used = new HashSet<>(existingKeys);
    Fate[] fates = new Fate[attrs.size()];
    ObjectNode explainRules = config.explain() ? NODES.objectNode() : null;
    ObjectNode explainRejected = config.explain() ? NODES.objectNode() : null;
    for (Selection sel : selections) {
      AnnotationRule rule = rules.get(sel.rule);
      String source = sel.kv.getKey();
      String target =
          KeySanitizer.sanitize(
              rule.as() != null ? rule.as() : rule.rename(source), config.keySanitization());
      Reason reason = null;
      if (target.isEmpty() || target.startsWith("aws.xray.")) {
        reason = Reason.INVALID_KEY;
      } else if (used.contains(target)) {
        reason = Reason.DUPLICATE_KEY;
      } else if (!(sel.fromSpan && target.equals(source))
          && lastIndex.containsKey(target)
          && TranslatorKeys.isMapped(target)) {
        // The key belongs to an attribute the translator needs for a segment field.
        reason = Reason.KEY_CONFLICT;
      }
      AnyValue value = sel.kv.getValue();
      if (reason == null && rule.type() != null) {
        value = Coercion.coerce(value, rule.type());
        if (value == null) {
          reason = Reason.COERCION_FAILED;
        }
      }
      if (reason == null) {
        reason = check(value);
      }
      if (reason != null) {
        recorder.invalid(reason, config.onInvalid());
        if (config.onInvalid() == OnInvalid.DROP && sel.fromSpan) {
          fates[sel.index] = Fate.DROPPED;
        }
        explainRejection(explainRejected, sel, reason);
        continue;
      }
      if (annotations.size() >= budget) {
        recorder.overflow();
        explainRejection(explainRejected, sel, Reason.OVER_BUDGET);
        continue;
      }
      annotations.put(target, value);
      used.add(target);
      recorder.promoted();
      if (sel.fromSpan) {
        annotationSource.put(target, sel.index);
        fates[sel.index] = rule.keepAsMetadata() ? Fate.PROMOTED_AND_METADATA : Fate.PROMOTED;
      }
      if (explainRules != null) {
        ObjectNode e = explainRules.putObject(target);
        e.put("rule", sel.rule);
        e.put("from", sel.fromSpan ? "span" : "resource");
        e.put("attribute", source);
      }
    }

    boolean changed = !annotations.isEmpty();
    for (Fate f : fates) {
      changed |= f == Fate.DROPPED;
    }
    boolean explainSomething =
        explainRules != null && (explainRules.size() > 0 || explainRejected.size() > 0);
    if (!changed && !routes && !explainSomething) {
      return span;
    }

    Map<String, ObjectNode> namespaces = new LinkedHashMap<>();
    List<KeyValue> out = new ArrayList<>(attrs.size() + annotations.size() + 2);
    Set<String> written = new HashSet<>();
    List<KeyValue> metadataAttrs = new ArrayList<>();
    boolean movedAny = false;
    for (int i = 0; i < attrs.size(); i++) {
      KeyValue kv = attrs.get(i);
      String key = kv.getKey();
      if (key.equals(XRayAttributes.ANNOTATIONS) && !annotations.isEmpty()) {
        continue; // rewritten below with the new keys
      }
      if (key.startsWith(XRayAttributes.METADATA_PREFIX) && lastIndex.get(key) == i) {
        metadataAttrs.add(kv);
        continue;
      }
      Fate fate = fates[i] == null ? Fate.ROUTE : fates[i];
      boolean mapped = TranslatorKeys.isMapped(key);
      switch (fate) {
        case DROPPED -> {
          if (mapped) {
            out.add(kv); // the translator still needs it for its segment field
          } else {
            movedAny = true;
          }
        }
        case PROMOTED, PROMOTED_AND_METADATA -> {
          if (fate == Fate.PROMOTED_AND_METADATA) {
            addMember(namespaces, config.metadata().namespaceOf(key), key, kv.getValue());
          }
          AnyValue own = annotations.get(key);
          if (own != null && Integer.valueOf(i).equals(annotationSource.get(key))) {
            out.add(own == kv.getValue() ? kv : kv.toBuilder().setValue(own).build());
            written.add(key);
          } else if (mapped) {
            out.add(kv); // the translator still needs it for its segment field
          }
          movedAny = true;
        }
        case ROUTE -> {
          if (annotations.containsKey(key)) {
            // Another attribute (renamed, or from the resource) now holds this key.
            addMember(namespaces, config.metadata().namespaceOf(key), key, kv.getValue());
            movedAny = true;
          } else if (mapped || existingKeys.contains(key)) {
            out.add(kv);
          } else {
            String ns = config.metadata().namespaceOf(key);
            if (ns.equals(MetadataRouting.DEFAULT_NAMESPACE)) {
              out.add(kv); // the translator writes it to "default" itself
            } else {
              addMember(namespaces, ns, key, kv.getValue());
              movedAny = true;
            }
          }
        }
      }
    }
    if (explainSomething) {
      ObjectNode explain = NODES.objectNode();
      if (!existing.isEmpty()) {
        ArrayNode keep = explain.putArray("existing_annotations");
        existing.forEach(keep::add);
      }
      if (explainRules.size() > 0) {
        explain.set("annotation_rules", explainRules);
      }
      if (explainRejected.size() > 0) {
        explain.set("not_promoted", explainRejected);
      }
      namespaces.computeIfAbsent(EXPLAIN_NAMESPACE, n -> NODES.objectNode()).setAll(explain);
    }
    if (annotations.isEmpty() && !movedAny && namespaces.isEmpty()) {
      return span;
    }
    // Metadata namespaces: merge into the span's own namespace attributes where it has them.
    Map<String, KeyValue> own = new HashMap<>();
    for (KeyValue kv : metadataAttrs) {
      own.put(kv.getKey().substring(XRayAttributes.METADATA_PREFIX.length()), kv);
    }
    for (String ns : List.copyOf(namespaces.keySet())) {
      KeyValue kv = own.get(ns);
      if (kv != null
          && !ns.equals(MetadataRouting.DEFAULT_NAMESPACE)
          && parseObject(kv.getValue()) == null) {
        // The span's own value of this namespace is not a JSON object (X-Ray allows any JSON
        // there): keep it, and put ours under the namespace's name in X-Ray's default one.
        addMember(namespaces, MetadataRouting.DEFAULT_NAMESPACE, ns, namespaces.remove(ns));
      }
    }
    for (KeyValue kv : metadataAttrs) {
      ObjectNode add =
          namespaces.remove(kv.getKey().substring(XRayAttributes.METADATA_PREFIX.length()));
      if (add == null) {
        out.add(kv);
        continue;
      }
      ObjectNode merged = parseObject(kv.getValue());
      if (merged == null) {
        merged = NODES.objectNode();
      }
      merged.setAll(add);
      out.add(stringAttr(kv.getKey(), write(merged)));
    }
    for (Map.Entry<String, ObjectNode> e : namespaces.entrySet()) {
      out.add(stringAttr(XRayAttributes.METADATA_PREFIX + e.getKey(), write(e.getValue())));
    }
    for (Map.Entry<String, AnyValue> e : annotations.entrySet()) {
      if (!written.contains(e.getKey())) {
        out.add(KeyValue.newBuilder().setKey(e.getKey()).setValue(e.getValue()).build());
      }
    }
    if (!annotations.isEmpty()) {
      ArrayValue.Builder list = ArrayValue.newBuilder();
      for (String k : existing) {
        list.addValues(AnyValue.newBuilder().setStringValue(k));
      }
      for (String k : annotations.keySet()) {
        list.addValues(AnyValue.newBuilder().setStringValue(k));
      }
      out.add(
          KeyValue.newBuilder()
              .setKey(XRayAttributes.ANNOTATIONS)
              .setValue(AnyValue.newBuilder().setArrayValue(list))
              .build());
    }
    return span.toBuilder().clearAttributes().addAllAttributes(out).build();
  }

  private static void addMember(
      Map<String, ObjectNode> namespaces, String ns, String key, AnyValue value) {
    JsonNode json = toJson(value);
    if (json != null) {
      addMember(namespaces, ns, key, json);
    }
  }

  private static void addMember(
      Map<String, ObjectNode> namespaces, String ns, String key, JsonNode json) {
    namespaces.computeIfAbsent(ns, n -> NODES.objectNode()).set(key, json);
  }

  private static void explainRejection(ObjectNode rejected, Selection sel, Reason reason) {
    if (rejected != null) {
      ObjectNode e = rejected.putObject((sel.fromSpan ? "" : "resource:") + sel.kv.getKey());
      e.put("rule", sel.rule);
      e.put("reason", reason.label());
    }
  }

  /** The keys of {@code aws.xray.annotations} (a string list, or one string). */
  private static List<String> existingAnnotations(List<KeyValue> attrs) {
    AnyValue v = null;
    for (KeyValue kv : attrs) {
      if (kv.getKey().equals(XRayAttributes.ANNOTATIONS)) {
        v = kv.getValue();
      }
    }
    if (v == null) {
      return List.of();
    }
    if (v.hasStringValue()) {
      return List.of(v.getStringValue());
    }
    if (!v.hasArrayValue()) {
      return List.of();
    }
    List<String> keys = new ArrayList<>();
    for (AnyValue e : v.getArrayValue().getValuesList()) {
      if (e.hasStringValue() && !keys.contains(e.getStringValue())) {
        keys.add(e.getStringValue());
      }
    }
    return keys;
  }

  /** Why X-Ray would refuse {@code v} as an annotation value, or null if it accepts it. */
  static Reason check(AnyValue v) {
    return switch (v.getValueCase()) {
      case STRING_VALUE ->
          v.getStringValue().codePointCount(0, v.getStringValue().length()) > MAX_STRING_LENGTH
              ? Reason.STRING_TOO_LONG
              : null;
      case INT_VALUE, BOOL_VALUE -> null;
      case DOUBLE_VALUE -> Double.isFinite(v.getDoubleValue()) ? null : Reason.NON_FINITE_NUMBER;
      default -> Reason.UNSUPPORTED_TYPE;
    };
  }

  private int firstRule(int[] candidates, String service, Span.SpanKind kind) {
    for (int r : candidates) {
      Set<String> s = services.get(r);
      EnumSet<Span.SpanKind> k = kinds.get(r);
      if ((s.isEmpty() || (service != null && s.contains(service)))
          && (k.isEmpty() || k.contains(kind))) {
        return r;
      }
    }
    return -1;
  }

  private int[] spanCandidates(String key) {
    int[] c = spanCandidates.get(key);
    if (c == null) {
      c = candidates(key, AnnotationRule.Source.SPAN);
      if (spanCandidates.size() < CANDIDATE_CACHE_LIMIT) {
        spanCandidates.put(key, c);
      }
    }
    return c;
  }

  private int[] resourceCandidates(String key) {
    // Resources repeat across batches far less than span keys; matching them is cheap enough.
    return candidates(key, AnnotationRule.Source.RESOURCE);
  }

  private int[] candidates(String key, AnnotationRule.Source from) {
    int[] buf = null;
    int n = 0;
    for (int i = 0; i < rules.size(); i++) {
      if (rules.get(i).from() == from && patterns[i].matcher(key).matches()) {
        if (buf == null) {
          buf = new int[rules.size()];
        }
        buf[n++] = i;
      }
    }
    return buf == null ? NONE : java.util.Arrays.copyOf(buf, n);
  }

  /** The JSON of an attribute value, as the translator writes metadata; null for no value. */
  static JsonNode toJson(AnyValue v) {
    return switch (v.getValueCase()) {
      case STRING_VALUE -> NODES.textNode(v.getStringValue());
      case BOOL_VALUE -> NODES.booleanNode(v.getBoolValue());
      case INT_VALUE -> NODES.numberNode(v.getIntValue());
      case DOUBLE_VALUE ->
          Double.isFinite(v.getDoubleValue())
              ? NODES.numberNode(v.getDoubleValue())
              : NODES.textNode(Double.toString(v.getDoubleValue()));
      case BYTES_VALUE ->
          NODES.textNode(Base64.getEncoder().encodeToString(v.getBytesValue().toByteArray()));
      case ARRAY_VALUE -> {
        ArrayNode a = NODES.arrayNode();
        for (AnyValue e : v.getArrayValue().getValuesList()) {
          JsonNode j = toJson(e);
          a.add(j == null ? NODES.nullNode() : j);
        }
        yield a;
      }
      case KVLIST_VALUE -> {
        ObjectNode o = NODES.objectNode();
        for (KeyValue kv : v.getKvlistValue().getValuesList()) {
          JsonNode j = toJson(kv.getValue());
          o.set(kv.getKey(), j == null ? NODES.nullNode() : j);
        }
        yield o;
      }
      default -> null;
    };
  }

  private static ObjectNode parseObject(AnyValue v) {
    if (!v.hasStringValue()) {
      return null;
    }
    try {
      JsonNode n = JSON.readTree(v.getStringValue());
      return n instanceof ObjectNode o ? o : null;
    } catch (IOException e) {
      return null;
    }
  }

  private static String write(JsonNode n) {
    try {
      return JSON.writeValueAsString(n);
    } catch (IOException e) {
      throw new IllegalStateException("JSON tree could not be written", e);
    }
  }

  private static KeyValue stringAttr(String key, String value) {
    return KeyValue.newBuilder()
        .setKey(key)
        .setValue(AnyValue.newBuilder().setStringValue(value))
        .build();
  }

  /** Type coercion of annotation values. */
  static final class Coercion {
    private Coercion() {}

    /** {@code v} as {@code type}, or null if it has no faithful value of that type. */
    static AnyValue coerce(AnyValue v, AnnotationRule.ValueType type) {
      return switch (type) {
        case STRING -> toStringValue(v);
        case INT -> toInt(v);
        case DOUBLE -> toDouble(v);
        case BOOL -> toBool(v);
      };
    }

    private static AnyValue toStringValue(AnyValue v) {
      return switch (v.getValueCase()) {
        case STRING_VALUE -> v;
        case INT_VALUE -> str(Long.toString(v.getIntValue()));
        case BOOL_VALUE -> str(Boolean.toString(v.getBoolValue()));
        case DOUBLE_VALUE ->
            Double.isFinite(v.getDoubleValue())
                ? str(BigDecimal.valueOf(v.getDoubleValue()).toPlainString())
                : null;
        default -> null;
      };
    }

    private static AnyValue toInt(AnyValue v) {
      switch (v.getValueCase()) {
        case INT_VALUE:
          return v;
        case DOUBLE_VALUE:
          double d = v.getDoubleValue();
          if (Double.isFinite(d) && d == Math.rint(d) && Math.abs(d) < 0x1p63) {
            return AnyValue.newBuilder().setIntValue((long) d).build();
          }
          return null;
        case STRING_VALUE:
          BigDecimal b = decimal(v.getStringValue());
          if (b == null) {
            return null;
          }
          try {
            return AnyValue.newBuilder().setIntValue(b.longValueExact()).build();
          } catch (ArithmeticException e) {
            return null;
          }
        default:
          return null;
      }
    }

    private static AnyValue toDouble(AnyValue v) {
      switch (v.getValueCase()) {
        case DOUBLE_VALUE:
          return Double.isFinite(v.getDoubleValue()) ? v : null;
        case INT_VALUE:
          return AnyValue.newBuilder().setDoubleValue(v.getIntValue()).build();
        case STRING_VALUE:
          BigDecimal b = decimal(v.getStringValue());
          if (b == null || !Double.isFinite(b.doubleValue())) {
            return null;
          }
          return AnyValue.newBuilder().setDoubleValue(b.doubleValue()).build();
        default:
          return null;
      }
    }

    private static AnyValue toBool(AnyValue v) {
      if (v.hasBoolValue()) {
        return v;
      }
      if (v.hasStringValue()) {
        String s = v.getStringValue().strip();
        if (s.equalsIgnoreCase("true") || s.equalsIgnoreCase("false")) {
          return AnyValue.newBuilder().setBoolValue(Boolean.parseBoolean(s)).build();
        }
      }
      return null;
    }

    /** A plain decimal number (no hex, no NaN or Infinity), or null. */
    private static BigDecimal decimal(String s) {
      String t = s.strip();
      if (t.isEmpty() || t.length() > 400) {
        return null;
      }
      try {
        return new BigDecimal(t);
      } catch (NumberFormatException e) {
        return null;
      }
    }

    private static AnyValue str(String s) {
      return AnyValue.newBuilder().setStringValue(s).build();
    }
  }
}
