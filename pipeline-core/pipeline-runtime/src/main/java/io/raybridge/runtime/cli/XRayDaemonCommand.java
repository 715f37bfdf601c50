package io.raybridge.runtime.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code raybridge xray-daemon}: accepts the AWS X-Ray daemon's command line and {@code cfg.yaml}
 * and turns them into the equivalent Raybridge config (awsxray receiver on UDP with the signing
 * sampling proxy → batch of 50 with a 1s timeout → awsxray exporter with the daemon's telemetry),
 * so that a daemon deployment switches by changing the binary. {@link #toYaml()} is the whole
 * translation; running the text is left to the caller, which loads it like any config file.
 *
 * <p>Flags override the config file, as in the daemon. With no {@code -c}, the daemon's default
 * locations ({@code /etc/amazon/xray/cfg.yaml}, {@code ./cfg.yaml}) are read when present.
 */
@Command(
    name = "xray-daemon",
    mixinStandardHelpOptions = true,
    description = "Runs the X-Ray daemon's pipeline from the daemon's own flags and cfg.yaml.")
public final class XRayDaemonCommand {

  /** Where the daemon looks for its config when {@code -c} is absent. */
  static final List<Path> DEFAULT_CONFIG_FILES =
      List.of(Path.of("/etc/amazon/xray/cfg.yaml"), Path.of("cfg.yaml"));

  static final String DEFAULT_ADDRESS = "127.0.0.1:2000";

  /** The daemon's minimum buffer memory in MB. */
  static final int MIN_BUFFER_MB = 3;

  private static final Set<String> TOP_KEYS =
      Set.of(
          "Version",
          "TotalBufferSizeMB",
          "Concurrency",
          "Region",
          "Socket",
          "Endpoint",
          "NoVerifySSL",
          "LocalMode",
          "ResourceARN",
          "RoleARN",
          "ProxyAddress",
          "Logging",
          "ProxyServer");
  private static final Set<String> SOCKET_KEYS = Set.of("UDPAddress", "TCPAddress");
  private static final Set<String> LOGGING_KEYS = Set.of("LogRotation", "LogLevel", "LogPath");
  private static final Set<String> PROXY_SERVER_KEYS =
      Set.of("IdleConnTimeout", "MaxIdleConnsPerHost", "MaxIdleConns");
  private static final Map<String, String> LOG_LEVELS =
      Map.of(
          "dev", "debug", "debug", "debug", "info", "info", "warn", "warn", "error", "error",
          "prod", "info");

  @Option(
      names = {"-b", "--bind"},
      paramLabel = "HOST:PORT",
      description = "UDP address to listen on for segments (default 127.0.0.1:2000).")
  String bind;

  @Option(
      names = {"-t", "--bind-tcp"},
      paramLabel = "HOST:PORT",
      description = "TCP address of the sampling proxy (default 127.0.0.1:2000).")
  String bindTcp;

  @Option(
      names = {"-n", "--region"},
      description = "AWS region; default: AWS_REGION or instance metadata.")
  String region;

  @Option(
      names = {"-o", "--local-mode"},
      description = "Do not read EC2 instance metadata.")
  Boolean localMode;

  @Option(
      names = {"-r", "--role-arn"},
      description = "IAM role to assume for uploads and sampling calls.")
  String roleArn;

  @Option(
      names = {"-a", "--resource-arn"},
      description = "ARN of the resource running Raybridge, reported in telemetry.")
  String resourceArn;

  @Option(
      names = {"-p", "--proxy-address"},
      description = "Outbound HTTPS proxy, scheme included.")
  String proxyAddress;

  @Option(
      names = {"-m", "--buffer-memory"},
      paramLabel = "MB",
      description = "Memory for buffered segments in MB (minimum 3); bounds the sending queue.")
  Integer bufferMemory;

  @Option(
      names = {"-c", "--config"},
      paramLabel = "FILE",
      description = "The daemon's cfg.yaml.")
  Path config;

  @Option(
      names = {"-l", "--log-level"},
      description = "dev, debug, info, warn, error or prod (default prod).")
  String logLevel;

  @Option(
      names = {"-f", "--log-file"},
      paramLabel = "FILE",
      description = "File to log to.")
  Path logFile;

  /** The daemon settings after the config file and the flags were combined. */
  record Settings(
      String udpAddress,
      String tcpAddress,
      String region,
      boolean localMode,
      String roleArn,
      String resourceArn,
      String proxyAddress,
      String endpoint,
      boolean noVerifySsl,
      int bufferMemoryMb,
      int concurrency,
      String logLevel,
      String logFile) {}

  /** The log file the daemon flags or config ask for, for the caller to set up logging. */
  public Optional<Path> logFile() {
    try {
      String f = settings().logFile();
      return f == null ? Optional.empty() : Optional.of(Path.of(f));
    } catch (IOException e) {
      return Optional.ofNullable(logFile);
    }
  }

  /**
   * The Raybridge config equivalent to the daemon's flags and config file.
   *
   * @throws IOException when the config file cannot be read
   * @throws IllegalArgumentException when a flag or config value is invalid, with a message that
   *     names it
   */
  public String toYaml() throws IOException {
    Settings s = settings();
    StringBuilder y = new StringBuilder();
    y.append("# Generated by 'raybridge xray-daemon' from the X-Ray daemon's flags and config.\n");
    y.append("receivers:\n");
    y.append("  awsxray:\n");
    y.append("    endpoint: ").append(q(s.udpAddress())).append('\n');
    y.append("    proxy_server:\n");
    y.append("      endpoint: ").append(q(s.tcpAddress())).append('\n');
    y.append("      mode: proxy\n");
    optional(y, "      ", "region", s.region());
    optional(y, "      ", "role_arn", s.roleArn());
    optional(y, "      ", "aws_endpoint", s.endpoint());
    optional(y, "      ", "proxy_address", s.proxyAddress());
    if (s.localMode()) {
      y.append("      local_mode: true\n");
    }
    y.append("processors:\n");
    y.append("  batch:\n");
    y.append("    send_batch_size: 50\n");
    y.append("    timeout: 1s\n");
    y.append("exporters:\n");
    y.append("  awsxray:\n");
    optional(y, "    ", "region", s.region());
    optional(y, "    ", "endpoint", s.endpoint());
    optional(y, "    ", "role_arn", s.roleArn());
    optional(y, "    ", "proxy_address", s.proxyAddress());
    if (s.noVerifySsl()) {
      y.append("    no_verify_ssl: true\n");
    }
    if (s.localMode()) {
      y.append("    local_mode: true\n");
    }
    optional(y, "    ", "resource_arn", s.resourceArn());
    y.append("    request_timeout: 2s\n");
    y.append("    sending_queue:\n");
    y.append("      num_consumers: ").append(s.concurrency()).append('\n');
    if (s.bufferMemoryMb() > 0) {
      y.append("      max_size_mib: ").append(s.bufferMemoryMb()).append('\n');
    }
    y.append("    telemetry:\n");
    y.append("      enabled: true\n");
    y.append("service:\n");
    y.append("  pipelines:\n");
    y.append("    traces:\n");
    y.append("      receivers: [awsxray]\n");
    y.append("      processors: [batch]\n");
    y.append("      exporters: [awsxray]\n");
    y.append("  telemetry:\n");
    y.append("    logs:\n");
    y.append("      level: ").append(s.logLevel()).append('\n');
    return y.toString();
  }

  /** Combines the config file (explicit or found) and the flags, flags winning. */
  Settings settings() throws IOException {
    JsonNode file = readConfig();
    String udp = pick(bind, text(file, "Socket", "UDPAddress"), DEFAULT_ADDRESS);
    String tcp = pick(bindTcp, text(file, "Socket", "TCPAddress"), DEFAULT_ADDRESS);
    checkAddress("-b/--bind", udp);
    checkAddress("-t/--bind-tcp", tcp);
    String proxy = pick(proxyAddress, text(file, "ProxyAddress"), null);
    if (proxy != null && !proxy.contains("://")) {
      throw new IllegalArgumentException(
          "-p/--proxy-address needs a scheme (http:// or https://), was '" + proxy + "'");
    }
    int memory =
        bufferMemory != null
            ? bufferMemory
            : file.path("TotalBufferSizeMB").isNumber()
                ? file.path("TotalBufferSizeMB").asInt()
                : 0;
    if (memory < 0 || (memory > 0 && memory < MIN_BUFFER_MB)) {
      throw new IllegalArgumentException(
          "-m/--buffer-memory must be 0 (automatic) or at least "
              + MIN_BUFFER_MB
              + " MB, was "
              + memory);
    }
    int concurrency = file.path("Concurrency").isNumber() ? file.path("Concurrency").asInt() : 8;
    if (concurrency < 1) {
      throw new IllegalArgumentException("Concurrency must be >= 1, was " + concurrency);
    }
    String level =
        pick(logLevel, text(file, "Logging", "LogLevel"), "prod").toLowerCase(Locale.ROOT);
    String mapped = LOG_LEVELS.get(level);
    if (mapped == null) {
      throw new IllegalArgumentException(
          "-l/--log-level must be one of dev, debug, info, warn, error, prod; was '" + level + "'");
    }
    String logPath =
        pick(logFile == null ? null : logFile.toString(), text(file, "Logging", "LogPath"), null);
    return new Settings(
        udp,
        tcp,
        pick(region, text(file, "Region"), null),
        localMode != null ? localMode : file.path("LocalMode").asBoolean(false),
        pick(roleArn, text(file, "RoleARN"), null),
        pick(resourceArn, text(file, "ResourceARN"), null),
        proxy,
        text(file, "Endpoint"),
        file.path("NoVerifySSL").asBoolean(false),
        memory,
        concurrency,
        mapped,
        logPath);
  }

  private JsonNode readConfig() throws IOException {
    ObjectMapper yaml = new ObjectMapper(new YAMLFactory());
    Path path = config;
    if (path == null) {
      for (Path candidate : DEFAULT_CONFIG_FILES) {
        if (Files.isRegularFile(candidate)) {
          path = candidate;
          break;
        }
      }
      if (path == null) {
        return yaml.createObjectNode();
      }
    }
    JsonNode root = yaml.readTree(path.toFile());
    if (root == null || root.isMissingNode() || root.isNull()) {
      root = yaml.createObjectNode();
    }
    if (!root.isObject()) {
      throw new IllegalArgumentException(path + ": the daemon config must be a YAML mapping");
    }
    JsonNode version = root.get("Version");
    if (version == null || !(version.asInt() == 1 || version.asInt() == 2)) {
      throw new IllegalArgumentException(
          path + ": Version must be 1 or 2, was " + (version == null ? "missing" : version));
    }
    checkKeys(path, "", root, TOP_KEYS);
    checkKeys(path, "Socket.", root.path("Socket"), SOCKET_KEYS);
    checkKeys(path, "Logging.", root.path("Logging"), LOGGING_KEYS);
    checkKeys(path, "ProxyServer.", root.path("ProxyServer"), PROXY_SERVER_KEYS);
    return root;
  }

  private static void checkKeys(Path path, String prefix, JsonNode node, Set<String> allowed) {
    if (!node.isObject()) {
      return;
    }
    for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
      String key = it.next();
      if (!allowed.contains(key)) {
        throw new IllegalArgumentException(
            path + ": unknown or removed daemon config key '" + prefix + key + "'");
      }
    }
  }

  private static void checkAddress(String flag, String address) {
    int colon = address.lastIndexOf(':');
    boolean ok = colon > 0 && colon < address.length() - 1;
    if (ok) {
      try {
        int port = Integer.parseInt(address.substring(colon + 1));
        ok = port >= 0 && port <= 65535;
      } catch (NumberFormatException e) {
        ok = false;
      }
    }
    if (!ok) {
      throw new IllegalArgumentException(flag + " must be HOST:PORT, was '" + address + "'");
    }
  }

  private static String text(JsonNode node, String... path) {
    JsonNode n = node;
    for (String p : path) {
      n = n.path(p);
    }
    return n.isValueNode() && !n.asText().isBlank() ? n.asText().trim() : null;
  }

  private static String pick(String flag, String file, String fallback) {
    if (flag != null && !flag.isBlank()) {
      return flag.trim();
    }
    return file != null ? file : fallback;
  }

  private static void optional(StringBuilder y, String indent, String key, String value) {
    if (value != null) {
      y.append(indent).append(key).append(": ").append(q(value)).append('\n');
    }
  }

  /** A double-quoted YAML scalar (JSON string syntax is valid YAML). */
  private static String q(String value) {
    StringBuilder b = new StringBuilder("\"");
    for (char c : value.toCharArray()) {
      switch (c) {
        case '"' -> b.append("\\\"");
        case '\\' -> b.append("\\\\");
        case '\n' -> b.append("\\n");
        case '\t' -> b.append("\\t");
        default -> b.append(c);
      }
    }
    return b.append('"').toString();
  }
}
