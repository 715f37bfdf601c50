package io.raybridge.processor.xrayannotations;

import io.raybridge.xray.XRayAttributes;
import java.util.Set;

/**
 * Span attributes the X-Ray translator turns into segment fields ({@code http}, {@code aws}, {@code
 * sql}, {@code user}, names, namespaces) rather than metadata, per its README. The processor never
 * removes or moves them, since the segment would lose those fields; it may still copy their values
 * into annotations.
 */
final class TranslatorKeys {

  private TranslatorKeys() {}

  private static final Set<String> KEYS =
      Set.of(
          // http
          "http.request.method",
          "http.method",
          "url.full",
          "http.url",
          "url.scheme",
          "http.scheme",
          "http.host",
          "http.server_name",
          "net.host.name",
          "net.host.port",
          "server.address",
          "server.port",
          "net.peer.name",
          "net.peer.ip",
          "net.peer.port",
          "network.peer.address",
          "http.target",
          "url.path",
          "url.query",
          "user_agent.original",
          "http.user_agent",
          "http.client_ip",
          "client.address",
          "http.response.status_code",
          "http.status_code",
          "http.response.body.size",
          "http.response_content_length",
          "http.status_text",
          // user, naming, namespace
          "enduser.id",
          "user.id",
          "peer.service",
          "rpc.system",
          "rpc.service",
          "rpc.method",
          "aws.service",
          "aws.local.service",
          "aws.remote.service",
          XRayAttributes.AWS_SPAN_KIND,
          // aws
          "aws.operation",
          "aws.account_id",
          "aws.region",
          "aws.request_id",
          "aws.requestId",
          "aws.queue_url",
          "aws.queue.url",
          "aws.sqs.queue.url",
          "messaging.url",
          "aws.table_name",
          "aws.table.name",
          "aws.dynamodb.table_names",
          // sql
          "db.namespace",
          "db.name",
          "db.connection_string",
          "db.system",
          "db.system.name",
          "db.query.text",
          "db.statement",
          "db.user",
          // segment-level blocks that X-Ray-made subsegments carry as span attributes
          "service.version",
          "cloud.account.id",
          "host.id",
          "host.type",
          "host.image.id",
          "cloud.availability_zone",
          "container.name",
          "container.id",
          "aws.ecs.container.arn",
          "aws.ecs.task.arn",
          "aws.ecs.task.family",
          "aws.ecs.cluster.arn",
          "aws.ecs.launchtype",
          "k8s.pod.name",
          "k8s.cluster.name",
          "service.namespace",
          "service.instance.id",
          "telemetry.sdk.name",
          "telemetry.sdk.version",
          "aws.log.group.names",
          "aws.log.group.arns");

  /** Whether the translator maps {@code key} to a segment field, or it is one of its controls. */
  static boolean isMapped(String key) {
    return key.startsWith("aws.xray.") || KEYS.contains(key);
  }
}
