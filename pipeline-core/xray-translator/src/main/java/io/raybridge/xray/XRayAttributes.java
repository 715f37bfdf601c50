package io.raybridge.xray;

/**
 * Attribute keys used by the translator. Standard OpenTelemetry keys are used where one exists;
 * every X-Ray member OTel has no place for travels under {@code aws.xray.*} (names shared with the
 * Collector's X-Ray receiver where it has one).
 */
public final class XRayAttributes {
  private XRayAttributes() {}

  /**
   * Instrumentation scope of spans made from X-Ray documents. {@link SpanToSegment} rebuilds spans
   * of this scope exactly, without deriving anything the document did not say.
   */
  public static final String SCOPE_NAME = "io.raybridge.xray";

  // X-Ray members without an OTel equivalent.
  public static final String IN_PROGRESS = "aws.xray.inprogress";
  public static final String ORIGIN = "aws.xray.origin";
  public static final String NAMESPACE = "aws.xray.namespace";
  public static final String TYPE = "aws.xray.type";
  public static final String RESOURCE_ARN = "aws.xray.resource_arn";
  public static final String ERROR = "aws.xray.error";
  public static final String FAULT = "aws.xray.fault";
  public static final String THROTTLE = "aws.xray.throttle";
  public static final String TRACED = "aws.xray.traced";
  public static final String PRECURSOR_IDS = "aws.xray.precursor_ids";
  public static final String X_FORWARDED_FOR = "aws.xray.x_forwarded_for";
  public static final String HTTP_REQUEST_TRACED = "aws.xray.http.request.traced";
  public static final String RETRIES = "aws.xray.retries";
  public static final String SQL_URL = "aws.xray.sql.url";
  public static final String SQL_DATABASE_VERSION = "aws.xray.sql.database_version";
  public static final String SQL_DRIVER_VERSION = "aws.xray.sql.driver_version";
  public static final String SQL_PREPARATION = "aws.xray.sql.preparation";
  public static final String SERVICE_COMPILER = "aws.xray.service.compiler";
  public static final String SERVICE_COMPILER_VERSION = "aws.xray.service.compiler_version";
  public static final String ECS_AVAILABILITY_ZONE = "aws.xray.aws.ecs.availability_zone";
  public static final String EKS_CONTAINER_ID = "aws.xray.aws.eks.container_id";
  public static final String BEANSTALK_VERSION_LABEL =
      "aws.xray.aws.elastic_beanstalk.version_label";
  public static final String AUTO_INSTRUMENTATION = "aws.xray.aws.xray.auto_instrumentation";
  public static final String CAUSE_ID = "aws.xray.cause";
  public static final String CAUSE_WORKING_DIRECTORY = "aws.xray.cause.working_directory";
  public static final String CAUSE_PATHS = "aws.xray.cause.paths";

  /** List of the document's annotation keys, in document order. */
  public static final String ANNOTATIONS = "aws.xray.annotations";

  /** Prefix for annotations whose key collides with an attribute the translator writes. */
  public static final String ANNOTATION_PREFIX = "aws.xray.annotation.";

  /** Prefix of one metadata namespace, the value being its JSON text. */
  public static final String METADATA_PREFIX = "aws.xray.metadata.";

  /** JSON object of every unknown member, by its path in the document. */
  public static final String UNKNOWN = "aws.xray.unknown";

  // Exception events.
  public static final String EXCEPTION_ID = "aws.xray.exception.id";
  public static final String EXCEPTION_REMOTE = "aws.xray.exception.remote";
  public static final String EXCEPTION_TRUNCATED = "aws.xray.exception.truncated";
  public static final String EXCEPTION_SKIPPED = "aws.xray.exception.skipped";
  public static final String EXCEPTION_CAUSE = "aws.xray.exception.cause";

  /** JSON array of the exception's stack frames, exactly as in the document. */
  public static final String EXCEPTION_STACK = "aws.xray.exception.stack";

  // Links.
  public static final String LINK_ATTRIBUTES = "aws.xray.link.attributes";
  public static final String LINK_TRACE_ID = "aws.xray.link.trace_id";
  public static final String LINK_ID = "aws.xray.link.id";

  /** Set by the AWS distributions; {@code LOCAL_ROOT} marks the first span in a service. */
  public static final String AWS_SPAN_KIND = "aws.span.kind";
}
