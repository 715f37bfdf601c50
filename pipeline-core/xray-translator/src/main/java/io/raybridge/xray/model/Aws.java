package io.raybridge.xray.model;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import java.util.Map;

/**
 * The {@code aws} member: segment-level data about the resource running the application ({@code
 * ec2}, {@code ecs}, ...) and subsegment-level data about a downstream AWS call ({@code operation},
 * {@code region}, ...). Other keys (e.g. {@code resource_names}) are kept in {@code extra}.
 */
public record Aws(
    String accountId,
    String operation,
    String region,
    String requestId,
    String queueUrl,
    String tableName,
    List<String> tableNames,
    Long retries,
    Ec2 ec2,
    Ecs ecs,
    Eks eks,
    ElasticBeanstalk elasticBeanstalk,
    XRaySdk xray,
    List<CloudWatchLog> cloudwatchLogs,
    Map<String, JsonNode> extra) {
  public Aws {
    tableNames = tableNames == null ? null : List.copyOf(tableNames);
    cloudwatchLogs = cloudwatchLogs == null ? null : List.copyOf(cloudwatchLogs);
    extra = Extras.copy(extra);
  }

  /** {@code aws.ec2}. */
  public record Ec2(
      String instanceId,
      String instanceSize,
      String amiId,
      String availabilityZone,
      Map<String, JsonNode> extra) {
    public Ec2 {
      extra = Extras.copy(extra);
    }
  }

  /** {@code aws.ecs}. */
  public record Ecs(
      String container,
      String containerId,
      String containerArn,
      String taskArn,
      String taskFamily,
      String clusterArn,
      String availabilityZone,
      String launchType,
      Map<String, JsonNode> extra) {
    public Ecs {
      extra = Extras.copy(extra);
    }
  }

  /** {@code aws.eks}. */
  public record Eks(
      String pod, String clusterName, String containerId, Map<String, JsonNode> extra) {
    public Eks {
      extra = Extras.copy(extra);
    }
  }

  /** {@code aws.elastic_beanstalk}. */
  public record ElasticBeanstalk(
      String environmentName, String versionLabel, Long deploymentId, Map<String, JsonNode> extra) {
    public ElasticBeanstalk {
      extra = Extras.copy(extra);
    }
  }

  /** {@code aws.xray}: the SDK that produced the document. */
  public record XRaySdk(
      String sdk, String sdkVersion, Boolean autoInstrumentation, Map<String, JsonNode> extra) {
    public XRaySdk {
      extra = Extras.copy(extra);
    }
  }

  /** One entry of {@code aws.cloudwatch_logs}. */
  public record CloudWatchLog(String logGroup, String arn, Map<String, JsonNode> extra) {
    public CloudWatchLog {
      extra = Extras.copy(extra);
    }
  }
}
