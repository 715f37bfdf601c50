package io.raybridge.runtime.config;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLGenerator;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import io.raybridge.pipeline.ComponentFactory;
import io.raybridge.pipeline.ComponentId;
import io.raybridge.pipeline.ComponentKind;
import io.raybridge.pipeline.config.ConfigViolation;
import io.raybridge.runtime.plugin.ComponentRegistry;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * Turns {@code --config} files and {@code --set} overrides into a valid {@link ServiceConfig}, or
 * into a {@link ConfigException} listing every problem.
 *
 * <p>Steps: each file is parsed and its scalars get {@code ${env:...}} expanded; the files merge in
 * order (mappings merge key by key, anything else is replaced by the later file, except that an
 * empty value leaves an earlier mapping as it was); each {@code --set path=value} replaces one key
 * (the value is read as YAML, so {@code 2s}, {@code 4317}, {@code [a, b]} all work; a path segment
 * may contain {@code /}, and a dotted key that exists in the config, such as {@code otlp/my.name},
 * is matched whole). If anything so far went wrong, loading stops there. Otherwise every configured
 * component, used or not, is bound to its factory's config record, the {@code service} section is
 * checked, and pipeline references are resolved; all problems of these steps are reported together.
 *
 * <p>Problems are rendered as described in {@link ConfigProblem}: {@code FILE:LINE: path: message},
 * where FILE and LINE are where the offending key was last set.
 */
public final class ConfigLoader {

  private static final Set<String> TOP_LEVEL_KEYS =
      new LinkedHashSet<>(List.of("receivers", "processors", "exporters", "service"));
  private static final String SET_SOURCE = "--set";
  private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
  private static final YAMLMapper PRINTER =
      new YAMLMapper(
          YAMLFactory.builder()
              .disable(YAMLGenerator.Feature.WRITE_DOC_START_MARKER)
              .enable(YAMLGenerator.Feature.MINIMIZE_QUOTES)
              .enable(YAMLGenerator.Feature.INDENT_ARRAYS_WITH_INDICATOR)
              .build());

  private ConfigLoader() {}

  /**
   * Loads, merges, binds and validates a configuration.
   *
   * @param files the {@code --config} files, in order (later ones win)
   * @param sets the {@code --set path=value} overrides, in order
   * @param env the environment {@code ${env:NAME}} reads
   * @param registry the installed components
   * @throws ConfigException listing every problem found
   */
  public static ServiceConfig load(
      List<Path> files, List<String> sets, Map<String, String> env, ComponentRegistry registry)
      throws ConfigException {
    Objects.requireNonNull(registry, "registry");
    Merged merged = merge(files, sets, env);
    return new Validation(merged, registry).run();
  }

  /**
   * The merged, env-expanded configuration tree, before binding.
   *
   * @throws ConfigException on missing files, YAML syntax errors, unset variables or bad {@code
   *     --set} arguments
   */
  public static JsonNode mergedTree(List<Path> files, List<String> sets, Map<String, String> env)
      throws ConfigException {
    return merge(files, sets, env).root();
  }

  /**
   * The merged, env-expanded configuration as YAML, with the values of secret-looking keys replaced
   * by {@code [REDACTED]}. The config is not validated, so that a broken config can be inspected.
   *
   * @throws ConfigException as {@link #mergedTree}
   */
  public static String printConfig(List<Path> files, List<String> sets, Map<String, String> env)
      throws ConfigException {
    try {
      return PRINTER.writeValueAsString(Redactor.redact(mergedTree(files, sets, env)));
    } catch (JsonProcessingException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Where a path was last set: a file and line, or {@code --set}. */
  private record Location(String source, int order, int line) {}

  /** The merged tree with the location of every path. */
  private record Merged(ObjectNode root, Map<String, Location> locations, Location rootLocation) {

    Location locate(String path) {
      for (String p = path; ; p = ConfigPaths.parent(p)) {
        Location at = locations.get(p);
        if (at != null) {
          return at;
        }
        if (p.isEmpty()) {
          return rootLocation;
        }
      }
    }

    ConfigProblem problem(String path, String message) {
      Location at = locate(path);
      return new ConfigProblem(at.source(), at.order(), at.line(), 0, path, message);
    }
  }

  private static Merged merge(List<Path> files, List<String> sets, Map<String, String> env)
      throws ConfigException {
    Objects.requireNonNull(files, "files");
    Objects.requireNonNull(sets, "sets");
    Objects.requireNonNull(env, "env");
    List<ConfigProblem> problems = new ArrayList<>();
    ObjectNode root = NODES.objectNode();
    Map<String, Location> locations = new HashMap<>();
    if (files.isEmpty()) {
      problems.add(
          new ConfigProblem("raybridge", 0, 0, 0, "", "no config file given (use --config FILE)"));
    }
    int order = 0;
    for (Path file : files) {
      String name = file.toString();
      int o = order++;
      if (!Files.exists(file)) {
        problems.add(new ConfigProblem(name, o, 0, 0, "", "no such file"));
        continue;
      }
      String text;
      try {
        text = Files.readString(file);
      } catch (IOException e) {
        problems.add(new ConfigProblem(name, o, 0, 0, "", "cannot read: " + e.getMessage()));
        continue;
      }
      YamlDocument doc = YamlDocument.parse(name, o, text, env);
      problems.addAll(doc.problems());
      if (!doc.root().isObject()) {
        problems.add(
            new ConfigProblem(
                name,
                o,
                1,
                0,
                "",
                "the top level must be a mapping, got " + SchemaChecker.describe(doc.root())));
        continue;
      }
      mergeInto(root, (ObjectNode) doc.root());
      doc.lines().forEach((path, line) -> locations.put(path, new Location(name, o, line)));
    }
    Location rootLocation =
        new Location(files.isEmpty() ? SET_SOURCE : files.get(0).toString(), 0, 0);
    for (String set : sets) {
      // Each override is its own source, so that its problems keep the argument order.
      applySet(root, set, env, order++, locations, problems);
    }
    if (!problems.isEmpty()) {
      throw new ConfigException(problems);
    }
    return new Merged(root, locations, rootLocation);
  }

  private static void mergeInto(ObjectNode target, ObjectNode source) {
    for (Map.Entry<String, JsonNode> e : source.properties()) {
      JsonNode existing = target.get(e.getKey());
      if (existing instanceof ObjectNode existingObject && e.getValue() instanceof ObjectNode o) {
        mergeInto(existingObject, o);
      } else if (existing instanceof ObjectNode && e.getValue().isNull()) {
        // "otlp:" with nothing after it means "with defaults", not "forget the earlier settings".
        continue;
      } else {
        target.set(e.getKey(), e.getValue().deepCopy());
      }
    }
  }

  private static void applySet(
      ObjectNode root,
      String set,
      Map<String, String> env,
      int order,
      Map<String, Location> locations,
      List<ConfigProblem> problems) {
    int eq = set.indexOf('=');
    String rawPath = eq < 0 ? "" : set.substring(0, eq).strip();
    String[] segments = rawPath.split("\\.", -1);
    if (eq <= 0 || List.of(segments).contains("")) {
      problems.add(
          new ConfigProblem(
              SET_SOURCE, order, 0, 0, "", "'" + set + "': expected dotted.path=value"));
      return;
    }
    String text = set.substring(eq + 1);
    JsonNode value;
    if (text.isBlank()) {
      value = NODES.nullNode();
    } else {
      YamlDocument doc = YamlDocument.parse(SET_SOURCE, order, text, env);
      if (!doc.problems().isEmpty()) {
        for (ConfigProblem p : doc.problems()) {
          problems.add(new ConfigProblem(SET_SOURCE, order, 0, 0, rawPath, p.message()));
        }
        return;
      }
      value = doc.root();
    }
    ObjectNode current = root;
    String resolved = "";
    int i = 0;
    while (true) {
      // A key containing dots (an id such as otlp/my.name) is matched whole if it exists.
      int end = i;
      String key = segments[i];
      for (int j = segments.length - 1; j > i; j--) {
        String candidate = String.join(".", List.of(segments).subList(i, j + 1));
        if (current.has(candidate)) {
          key = candidate;
          end = j;
          break;
        }
      }
      resolved = ConfigPaths.child(resolved, key);
      if (!current.has(key)) {
        locations.put(resolved, new Location(SET_SOURCE, order, 0));
      }
      if (end == segments.length - 1) {
        current.set(key, value);
        locations.put(resolved, new Location(SET_SOURCE, order, 0));
        String prefix = resolved;
        locations.keySet().removeIf(p -> !p.equals(prefix) && ConfigPaths.isWithin(p, prefix));
        return;
      }
      JsonNode next = current.get(key);
      if (!(next instanceof ObjectNode)) {
        next = NODES.objectNode();
        current.set(key, next);
        locations.put(resolved, new Location(SET_SOURCE, order, 0));
      }
      current = (ObjectNode) next;
      i = end + 1;
    }
  }

  /** Binding and cross-checks over a merged tree; collects every problem before failing. */
  private static final class Validation {

    private final Merged merged;
    private final ComponentRegistry registry;
    private final List<ConfigProblem> problems = new ArrayList<>();
    private final Map<ComponentKind, Map<ComponentId, ComponentEntry>> bound =
        new EnumMap<>(ComponentKind.class);
    private final Map<ComponentKind, Set<String>> configured = new EnumMap<>(ComponentKind.class);

    Validation(Merged merged, ComponentRegistry registry) {
      this.merged = merged;
      this.registry = registry;
    }

    ServiceConfig run() throws ConfigException {
      ObjectNode root = merged.root();
      for (Iterator<String> it = root.fieldNames(); it.hasNext(); ) {
        String key = it.next();
        if (!TOP_LEVEL_KEYS.contains(key)) {
          String message =
              key.equals("extensions") || key.equals("connectors")
                  ? "unknown key (" + key + " are not supported)"
                  : SchemaChecker.unknownKey(key, TOP_LEVEL_KEYS);
          problem(key, message);
        }
      }
      for (ComponentKind kind : ComponentKind.values()) {
        components(kind, root.get(kind.section()));
      }
      TelemetryConfig telemetry = TelemetryConfig.defaults();
      Duration shutdownTimeout = ServiceConfig.DEFAULT_SHUTDOWN_TIMEOUT;
      List<PipelineConfig> pipelines = new ArrayList<>();
      JsonNode service = root.get("service");
      if (service == null || service.isNull()) {
        problem(
            "service.pipelines",
            "no pipelines configured; add at least one traces pipeline under service.pipelines");
      } else {
        SchemaChecker.Result checked = SchemaChecker.check(service, ServiceSection.class);
        for (ConfigViolation v : checked.violations()) {
          problem(ConfigPaths.join("service", v.path()), v.message());
        }
        JsonNode cleaned = checked.cleaned();
        if (cleaned != null) {
          telemetry = telemetry(cleaned.get("telemetry")).orElse(telemetry);
          shutdownTimeout = shutdownTimeout(cleaned.get("shutdown_timeout"));
          pipelines = pipelines(cleaned.get("pipelines"));
        }
      }
      if (!problems.isEmpty()) {
        throw new ConfigException(problems);
      }
      return new ServiceConfig(
          used(ComponentKind.RECEIVER, pipelines),
          used(ComponentKind.PROCESSOR, pipelines),
          used(ComponentKind.EXPORTER, pipelines),
          pipelines,
          telemetry,
          shutdownTimeout);
    }

    private void components(ComponentKind kind, JsonNode section) {
      Map<ComponentId, ComponentEntry> entries = new LinkedHashMap<>();
      Set<String> ids = new LinkedHashSet<>();
      bound.put(kind, entries);
      configured.put(kind, ids);
      if (section == null || section.isNull()) {
        return;
      }
      if (!section.isObject()) {
        problem(
            kind.section(),
            "expected a mapping of component ids to their settings, got "
                + SchemaChecker.describe(section));
        return;
      }
      for (Map.Entry<String, JsonNode> e : section.properties()) {
        String path = ConfigPaths.child(kind.section(), e.getKey());
        ComponentId id;
        try {
          id = ComponentId.parse(e.getKey());
        } catch (IllegalArgumentException ex) {
          problem(path, ex.getMessage());
          continue;
        }
        ids.add(id.toString());
        Optional<ComponentFactory<?>> factory = registry.factory(kind, id.type());
        if (factory.isEmpty()) {
          Set<String> types = registry.types(kind);
          String hint = Suggestions.didYouMean(id.type(), types);
          if (hint.isEmpty()) {
            hint =
                types.isEmpty()
                    ? " (no " + kind.label() + " types are installed)"
                    : " (installed: " + String.join(", ", types) + ")";
          }
          problem(path, "unknown " + kind.label() + " type '" + id.type() + "'" + hint);
          continue;
        }
        ConfigBinder.Outcome<?> outcome =
            ConfigBinder.bindNode(e.getValue(), factory.get().configType());
        for (ConfigViolation v : outcome.violations()) {
          problem(ConfigPaths.join(path, v.path()), v.message());
        }
        if (outcome.ok()) {
          entries.put(id, new ComponentEntry(id, kind, factory.get(), outcome.value()));
        }
      }
    }

    private Optional<TelemetryConfig> telemetry(JsonNode node) {
      ConfigBinder.Outcome<ServiceSection.Telemetry> outcome =
          ConfigBinder.bindNode(node, ServiceSection.Telemetry.class);
      for (ConfigViolation v : outcome.violations()) {
        problem(ConfigPaths.join("service.telemetry", v.path()), v.message());
      }
      return outcome.ok() ? Optional.of(outcome.value().toConfig()) : Optional.empty();
    }

    private Duration shutdownTimeout(JsonNode node) {
      if (node == null || node.isNull()) {
        return ServiceConfig.DEFAULT_SHUTDOWN_TIMEOUT;
      }
      Duration timeout = node.isNumber() ? Duration.ZERO : GoDuration.parse(node.asText());
      if (timeout.isZero()) {
        problem("service.shutdown_timeout", "must be greater than 0s");
      }
      return timeout;
    }

    private List<PipelineConfig> pipelines(JsonNode node) {
      List<PipelineConfig> pipelines = new ArrayList<>();
      if (node == null || node.isNull() || node.isEmpty()) {
        problem(
            "service.pipelines",
            "no pipelines configured; add at least one traces pipeline under service.pipelines");
        return pipelines;
      }
      for (Map.Entry<String, JsonNode> e : node.properties()) {
        String path = ConfigPaths.child("service.pipelines", e.getKey());
        boolean validId = pipelineId(e.getKey(), path);
        JsonNode body = e.getValue() == null ? NODES.nullNode() : e.getValue();
        List<ComponentId> receivers = references(ComponentKind.RECEIVER, body, path);
        List<ComponentId> processors = references(ComponentKind.PROCESSOR, body, path);
        List<ComponentId> exporters = references(ComponentKind.EXPORTER, body, path);
        if (validId) {
          pipelines.add(new PipelineConfig(e.getKey(), receivers, processors, exporters));
        }
      }
      return pipelines;
    }

    private boolean pipelineId(String id, String path) {
      ComponentId parsed;
      try {
        parsed = ComponentId.parse(id);
      } catch (IllegalArgumentException ex) {
        problem(path, ex.getMessage().replace("component", "pipeline"));
        return false;
      }
      if (parsed.type().equals("traces")) {
        return true;
      }
      if (parsed.type().equals("metrics") || parsed.type().equals("logs")) {
        problem(path, "only traces pipelines are supported");
      } else {
        problem(
            path,
            "unknown signal '"
                + parsed.type()
                + "': only traces pipelines are supported (traces or traces/NAME)");
      }
      return false;
    }

    private List<ComponentId> references(ComponentKind kind, JsonNode pipeline, String path) {
      String listPath = ConfigPaths.child(path, kind.section());
      JsonNode list = pipeline.get(kind.section());
      List<ComponentId> ids = new ArrayList<>();
      boolean any = false;
      if (list != null && list.isArray()) {
        for (int i = 0; i < list.size(); i++) {
          any = true;
          String at = listPath + "[" + i + "]";
          JsonNode element = list.get(i);
          if (!element.isTextual()) {
            problem(
                at, "expected a " + kind.label() + " id, got " + SchemaChecker.describe(element));
            continue;
          }
          ComponentId id;
          try {
            id = ComponentId.parse(element.asText());
          } catch (IllegalArgumentException ex) {
            problem(at, ex.getMessage());
            continue;
          }
          Set<String> known = configured.get(kind);
          if (!known.contains(id.toString())) {
            String hint = Suggestions.didYouMean(id.toString(), known);
            if (hint.isEmpty()) {
              hint =
                  known.isEmpty()
                      ? " (no " + kind.section() + " are configured)"
                      : " (configured: " + String.join(", ", new TreeSet<>(known)) + ")";
            }
            problem(at, "unknown " + kind.label() + " '" + id + "'" + hint);
          } else if (ids.contains(id)) {
            problem(at, "'" + id + "' is listed more than once");
          } else {
            ids.add(id);
          }
        }
      }
      if (!any && kind != ComponentKind.PROCESSOR) {
        problem(listPath, "a pipeline needs at least one " + kind.label());
      }
      return ids;
    }

    private Map<ComponentId, ComponentEntry> used(
        ComponentKind kind, List<PipelineConfig> pipelines) {
      Set<ComponentId> referenced = new LinkedHashSet<>();
      for (PipelineConfig p : pipelines) {
        referenced.addAll(
            switch (kind) {
              case RECEIVER -> p.receivers();
              case PROCESSOR -> p.processors();
              case EXPORTER -> p.exporters();
            });
      }
      Map<ComponentId, ComponentEntry> used = new LinkedHashMap<>();
      bound
          .get(kind)
          .forEach(
              (id, entry) -> {
                if (referenced.contains(id)) {
                  used.put(id, entry);
                }
              });
      return used;
    }

    private void problem(String path, String message) {
      problems.add(merged.problem(path, message));
    }
  }
}
