package io.raybridge.exporter.xraylocal;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.raybridge.pipeline.config.Endpoints;
import io.raybridge.pipeline.config.Violations;
import io.raybridge.pipeline.util.Durations;
import io.raybridge.xray.XRaySettings;
import java.time.Duration;
import java.util.List;

/**
 * Configuration of the {@code xray_local} exporter: a local X-Ray-compatible trace store, API and
 * console.
 *
 * @param endpoint {@code host:port} the X-Ray API and console listen on (default {@code
 *     127.0.0.1:2080}; port 0 picks a free port)
 * @param maxBytes the most bytes of stored documents kept in memory (default 256 MiB); the oldest
 *     traces are evicted first
 * @param retention how long a trace is kept after it was first received (default 720h, X-Ray's 30
 *     days)
 * @param storage optional persistence of the stored documents
 * @param auth optional SigV4 credentials every API request must be signed with
 * @param indexedAttributes attribute keys written as annotations (as the {@code awsxray} exporter)
 * @param indexAllAttributes write every scalar attribute as an annotation (default false)
 */
public record XRayLocalExporterConfig(
    @JsonProperty("endpoint") String endpoint,
    @JsonProperty("max_bytes") Long maxBytes,
    @JsonProperty("retention") Duration retention,
    @JsonProperty("storage") Storage storage,
    @JsonProperty("auth") Auth auth,
    @JsonProperty("indexed_attributes") List<String> indexedAttributes,
    @JsonProperty("index_all_attributes") Boolean indexAllAttributes) {

  /** Where the API listens unless told otherwise. */
  public static final String DEFAULT_ENDPOINT = "127.0.0.1:2080";

  /** The memory budget of stored documents unless told otherwise. */
  public static final long DEFAULT_MAX_BYTES = 256L * 1024 * 1024;

  /** X-Ray keeps traces for 30 days. */
  public static final Duration DEFAULT_RETENTION = Duration.ofDays(30);

  public XRayLocalExporterConfig {
    endpoint = endpoint == null || endpoint.isBlank() ? DEFAULT_ENDPOINT : endpoint.trim();
    maxBytes = maxBytes == null ? DEFAULT_MAX_BYTES : maxBytes;
    retention = retention == null ? DEFAULT_RETENTION : retention;
    storage = storage == null ? new Storage(null) : storage;
    auth = auth == null ? new Auth(null) : auth;
    indexedAttributes = indexedAttributes == null ? List.of() : List.copyOf(indexedAttributes);
    indexAllAttributes = indexAllAttributes != null && indexAllAttributes;

    Violations v = new Violations();
    Endpoints.check(v, "endpoint", endpoint);
    v.check(maxBytes > 0, "max_bytes", "must be > 0, was " + maxBytes);
    v.check(
        !retention.isNegative() && !retention.isZero(),
        "retention",
        "must be > 0, was " + Durations.format(retention));
    for (int i = 0; i < indexedAttributes.size(); i++) {
      String k = indexedAttributes.get(i);
      v.check(k != null && !k.isEmpty(), "indexed_attributes[" + i + "]", "must not be empty");
    }
    v.throwIfAny();
  }

  /** Every key at its default. */
  public static XRayLocalExporterConfig defaults() {
    return new XRayLocalExporterConfig(null, null, null, null, null, null, null);
  }

  /** The translator settings these keys select. */
  XRaySettings xraySettings() {
    return XRaySettings.DEFAULTS
        .withIndexedAttributes(indexedAttributes)
        .withIndexAllAttributes(indexAllAttributes);
  }

  /**
   * {@code storage}: persistence.
   *
   * @param directory directory of the append-only document files; absent: memory only
   */
  public record Storage(@JsonProperty("directory") String directory) {
    public Storage {
      directory = directory == null || directory.isBlank() ? null : directory.trim();
    }
  }

  /**
   * {@code auth}: request authentication.
   *
   * @param credentials the only credentials requests may be signed with; absent: any signature (or
   *     none) is accepted
   */
  public record Auth(@JsonProperty("credentials") Credentials credentials) {}

  /**
   * {@code auth.credentials}.
   *
   * @param accessKeyId the access key id
   * @param secretAccessKey the secret access key
   */
  public record Credentials(
      @JsonProperty("access_key_id") String accessKeyId,
      @JsonProperty("secret_access_key") String secretAccessKey) {
    public Credentials {
      Violations v = new Violations();
      v.check(accessKeyId != null && !accessKeyId.isBlank(), "access_key_id", "must not be empty");
      v.check(
          secretAccessKey != null && !secretAccessKey.isBlank(),
          "secret_access_key",
          "must not be empty");
      v.throwIfAny();
    }

    @Override
    public String toString() {
      return "Credentials[accessKeyId=" + accessKeyId + ", secretAccessKey=<redacted>]";
    }
  }
}
