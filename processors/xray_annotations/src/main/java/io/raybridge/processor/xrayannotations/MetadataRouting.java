package io.raybridge.processor.xrayannotations;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.raybridge.pipeline.config.Violations;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The {@code metadata} section: which X-Ray metadata namespace a span attribute that is not an
 * annotation goes to.
 *
 * @param namespaces attribute-key prefix → namespace; the longest matching prefix wins
 * @param defaultNamespace the namespace of attributes no prefix matches
 */
public record MetadataRouting(
    @JsonProperty("namespaces") Map<String, String> namespaces,
    @JsonProperty("default") String defaultNamespace) {

  /** X-Ray's own default namespace, where the exporter puts attributes on its own. */
  public static final String DEFAULT_NAMESPACE = "default";

  public MetadataRouting {
    namespaces =
        namespaces == null
            ? Map.of()
            : Collections.unmodifiableMap(new LinkedHashMap<>(namespaces));
    defaultNamespace = defaultNamespace == null ? DEFAULT_NAMESPACE : defaultNamespace;
    Violations v = new Violations();
    for (Map.Entry<String, String> e : namespaces.entrySet()) {
      String path = "namespaces." + e.getKey();
      v.check(!e.getKey().isEmpty(), "namespaces", "prefixes must not be empty");
      checkNamespace(v, path, e.getValue());
    }
    checkNamespace(v, "default", defaultNamespace);
    v.throwIfAny();
  }

  private static void checkNamespace(Violations v, String path, String ns) {
    if (ns == null || ns.isEmpty()) {
      v.add(path, "the namespace must not be empty");
    } else if (ns.startsWith("AWS.")) {
      v.add(path, "(" + ns + ") starts with AWS., which X-Ray reserves for AWS SDKs and clients");
    }
  }

  /** The defaults: every attribute goes to {@code default}. */
  public static MetadataRouting defaults() {
    return new MetadataRouting(null, null);
  }

  /** The namespace of span attribute {@code key}. */
  String namespaceOf(String key) {
    String best = null;
    int bestLength = -1;
    for (Map.Entry<String, String> e : namespaces.entrySet()) {
      if (key.startsWith(e.getKey()) && e.getKey().length() > bestLength) {
        best = e.getValue();
        bestLength = e.getKey().length();
      }
    }
    return best != null ? best : defaultNamespace;
  }

  /** Whether any attribute may need moving: a prefix is routed or the default is not X-Ray's. */
  boolean routes() {
    return !namespaces.isEmpty() || !defaultNamespace.equals(DEFAULT_NAMESPACE);
  }
}
