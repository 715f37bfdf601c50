package io.raybridge.receiver.awsxray;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.raybridge.pipeline.ComponentSettings;
import io.raybridge.pipeline.util.RateLimitedLogger;
import io.raybridge.xray.sampling.InvalidSamplingRulesException;
import io.raybridge.xray.sampling.SamplingRuleFiles;
import io.raybridge.xray.sampling.SamplingRules;
import io.raybridge.xray.sampling.SamplingStatistics;
import io.raybridge.xray.sampling.SamplingTarget;
import io.raybridge.xray.sampling.SamplingTargets;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;

/**
 * The sampling endpoint's {@code local} mode: answers {@code GetSamplingRules} and {@code
 * SamplingTargets} from configured rules in the X-Ray API's shapes, sharing each rule's reservoir
 * among the clients that report for it (see {@link SamplingTargets}).
 *
 * <p>A rule file is checked on every request (a stat call; the endpoint sees a few requests per
 * client per minute) and re-read when its modification time or size changed. A file that became
 * invalid is logged and the previous rules stay in force. Thread-safe.
 */
final class LocalSampling {

  private static final ObjectMapper MAPPER = new ObjectMapper();

  /** The most statistics documents one {@code SamplingTargets} call may carry (X-Ray's limit). */
  static final int MAX_STATISTICS_DOCUMENTS = 25;

  private final ComponentSettings settings;
  private final Logger logger;
  private final SamplingRules inline;
  private final Path file;
  private final RateLimitedLogger reloadLog;
  private volatile State state;

  /** The rules in force and the bookkeeping that goes with them. */
  private record State(
      SamplingRules rules, SamplingTargets targets, Instant loadedAt, FileStamp stamp) {}

  private record FileStamp(long modifiedMillis, long size) {}

  /**
   * @param inline the rules to serve when {@code file} is null
   * @param file a rule file, or null
   */
  LocalSampling(ComponentSettings settings, SamplingRules inline, Path file) {
    this.settings = settings;
    this.logger = settings.logger();
    this.inline = inline;
    this.file = file;
    this.reloadLog = RateLimitedLogger.of(logger);
  }

  /** Loads the rules; a missing or invalid rule file fails the start. */
  void start() throws IOException {
    if (file == null) {
      state = new State(inline, new SamplingTargets(inline), settings.clock().instant(), null);
      return;
    }
    FileStamp stamp = stamp(file);
    try {
      state = load(stamp);
    } catch (InvalidSamplingRulesException e) {
      throw new IOException("invalid rules_file " + file + ": " + e.getMessage(), e);
    }
    logger.info(
        "serving {} sampling rules from {}", state.rules().rules().size(), file.toAbsolutePath());
  }

  private State load(FileStamp stamp) throws IOException {
    SamplingRules rules = SamplingRuleFiles.read(file);
    return new State(rules, new SamplingTargets(rules), settings.clock().instant(), stamp);
  }

  private static FileStamp stamp(Path file) throws IOException {
    BasicFileAttributes a = Files.readAttributes(file, BasicFileAttributes.class);
    return new FileStamp(a.lastModifiedTime().toMillis(), a.size());
  }

  /** The rules in force, re-reading the rule file if it changed. */
  SamplingRules rules() {
    return current().rules();
  }

  private State current() {
    State s = state;
    if (file == null) {
      return s;
    }
    FileStamp now;
    try {
      now = stamp(file);
    } catch (IOException e) {
      reloadLog.warn(
          "rules-file", "cannot read rules_file {}, keeping the previous rules: {}", file, e);
      return s;
    }
    if (now.equals(s.stamp())) {
      return s;
    }
    synchronized (this) {
      s = state;
      if (now.equals(s.stamp())) {
        return s;
      }
      try {
        State loaded = load(now);
        state = loaded;
        logger.info(
            "rules_file {} changed; now serving {} sampling rules",
            file,
            loaded.rules().rules().size());
        return loaded;
      } catch (IOException | InvalidSamplingRulesException e) {
        // Remember the stamp so that a broken file is reported once per change, not per request.
        state = new State(s.rules(), s.targets(), s.loadedAt(), now);
        logger.warn(
            "rules_file {} changed but cannot be used, keeping the previous rules: {}",
            file,
            e.getMessage());
        return state;
      }
    }
  }

  /** {@code POST /GetSamplingRules}: every rule, in one page. */
  HttpReply getSamplingRules(byte[] body) {
    Optional<HttpReply> bad = requireObject(body, true);
    if (bad.isPresent()) {
      return bad.get();
    }
    State s = current();
    return HttpReply.json(SamplingRuleFiles.toGetSamplingRulesResponse(s.rules(), s.loadedAt()));
  }

  /** {@code POST /SamplingTargets}: records the reports and answers each client's quota. */
  HttpReply samplingTargets(byte[] body) {
    Optional<HttpReply> bad = requireObject(body, false);
    if (bad.isPresent()) {
      return bad.get();
    }
    JsonNode root = parse(body);
    JsonNode docs = root.get("SamplingStatisticsDocuments");
    if (docs == null || !docs.isArray()) {
      return invalid("SamplingStatisticsDocuments is required and must be a list");
    }
    if (docs.size() > MAX_STATISTICS_DOCUMENTS) {
      return invalid(
          "SamplingStatisticsDocuments must have at most "
              + MAX_STATISTICS_DOCUMENTS
              + " members, had "
              + docs.size());
    }
    Instant now = settings.clock().instant();
    List<SamplingStatistics> reports = new ArrayList<>(docs.size());
    for (int i = 0; i < docs.size(); i++) {
      JsonNode d = docs.get(i);
      String where = "SamplingStatisticsDocuments[" + i + "]";
      if (!d.isObject()) {
        return invalid(where + " must be an object");
      }
      String ruleName = text(d, "RuleName");
      String clientId = text(d, "ClientID");
      if (ruleName == null || ruleName.isEmpty()) {
        return invalid(where + ".RuleName is required");
      }
      if (!SamplingStatistics.isValidClientId(clientId)) {
        return invalid(
            where + ".ClientID must be 24 hexadecimal characters, was " + quoted(clientId));
      }
      long requests = count(d, "RequestCount");
      long sampled = count(d, "SampledCount");
      long borrowed = d.has("BorrowCount") ? count(d, "BorrowCount") : 0;
      if (requests < 0 || sampled < 0 || borrowed < 0) {
        return invalid(
            where
                + ": RequestCount and SampledCount are required; all counts must be integers >= 0");
      }
      reports.add(
          new SamplingStatistics(
              ruleName, clientId, timestamp(d.get("Timestamp"), now), requests, sampled, borrowed));
    }
    State s = current();
    ObjectNode out = MAPPER.createObjectNode();
    ArrayNode targets = out.putArray("SamplingTargetDocuments");
    ArrayNode unprocessed = MAPPER.createArrayNode();
    for (SamplingStatistics r : reports) {
      Optional<SamplingTarget> t = s.targets().report(r, now);
      if (t.isPresent()) {
        ObjectNode n = targets.addObject();
        n.put("RuleName", t.get().ruleName());
        n.put("FixedRate", t.get().fixedRate());
        n.put("ReservoirQuota", t.get().reservoirQuota());
        n.put("ReservoirQuotaTTL", seconds(t.get().reservoirQuotaTtl()));
        n.put("Interval", t.get().intervalSeconds());
      } else {
        ObjectNode n = unprocessed.addObject();
        n.put("RuleName", r.ruleName());
        n.put("ErrorCode", "400");
        n.put("Message", "unknown sampling rule " + quoted(r.ruleName()));
      }
    }
    out.put("LastRuleModification", seconds(s.loadedAt()));
    out.set("UnprocessedStatistics", unprocessed);
    return HttpReply.json(out.toString());
  }

  /** A 400 answer unless {@code body} is a JSON object (or, if allowed, empty). */
  static Optional<HttpReply> requireObject(byte[] body, boolean emptyAllowed) {
    if (body.length == 0 || isBlank(body)) {
      return emptyAllowed
          ? Optional.empty()
          : Optional.of(invalid("the request body must be a JSON object"));
    }
    try {
      JsonNode n = MAPPER.readTree(body);
      if (n == null || !n.isObject()) {
        return Optional.of(invalid("the request body must be a JSON object"));
      }
      return Optional.empty();
    } catch (JsonProcessingException e) {
      return Optional.of(invalid("the request body is not valid JSON: " + e.getOriginalMessage()));
    } catch (IOException e) {
      return Optional.of(invalid("the request body cannot be read: " + e.getMessage()));
    }
  }

  private static boolean isBlank(byte[] body) {
    for (byte b : body) {
      if (b != ' ' && b != '\n' && b != '\r' && b != '\t') {
        return false;
      }
    }
    return true;
  }

  private static JsonNode parse(byte[] body) {
    try {
      return MAPPER.readTree(body);
    } catch (IOException e) {
      throw new IllegalStateException("checked before", e);
    }
  }

  static HttpReply invalid(String message) {
    return HttpReply.error(400, "InvalidRequestException", message);
  }

  private static String text(JsonNode d, String key) {
    JsonNode n = d.get(key);
    return n != null && n.isTextual() ? n.asText() : null;
  }

  /** A non-negative integer member, or -1 when it is missing or not one. */
  private static long count(JsonNode d, String key) {
    JsonNode n = d.get(key);
    return n != null && n.canConvertToLong() && n.isIntegralNumber() ? n.asLong() : -1;
  }

  /** Epoch seconds (the API's shape) or an ISO-8601 text; otherwise the time of the request. */
  private static Instant timestamp(JsonNode n, Instant fallback) {
    if (n == null) {
      return fallback;
    }
    if (n.isNumber()) {
      double s = n.asDouble();
      long whole = (long) Math.floor(s);
      return Instant.ofEpochSecond(whole, (long) ((s - whole) * 1e9));
    }
    if (n.isTextual()) {
      try {
        return Instant.parse(n.asText());
      } catch (RuntimeException e) {
        return fallback;
      }
    }
    return fallback;
  }

  private static double seconds(Instant t) {
    return t.getEpochSecond() + t.getNano() / 1e9;
  }

  private static String quoted(String s) {
    return s == null ? "null" : "\"" + s + "\"";
  }
}
