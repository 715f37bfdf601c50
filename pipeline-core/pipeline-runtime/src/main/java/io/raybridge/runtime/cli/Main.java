package io.raybridge.runtime.cli;

import io.raybridge.pipeline.ComponentKind;
import io.raybridge.runtime.config.ConfigException;
import io.raybridge.runtime.config.ConfigLoader;
import io.raybridge.runtime.config.ServiceConfig;
import io.raybridge.runtime.plugin.ComponentRegistry;
import io.raybridge.runtime.plugin.ComponentRegistryException;
import io.raybridge.runtime.plugin.InstalledComponent;
import io.raybridge.runtime.service.Service;
import io.raybridge.runtime.telemetry.Logging;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.CodeSource;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * The {@code raybridge} command line: {@code run} (the default when only options are given), {@code
 * validate}, {@code components}, {@code print-config}, {@code xray-daemon} and {@code demo}.
 *
 * <p>Exit codes: 0 success, 1 runtime failure (a component failed to start, a broken plugin), 2
 * invalid configuration or usage.
 */
@Command(
    name = "raybridge",
    mixinStandardHelpOptions = true,
    versionProvider = Main.Version.class,
    description = {
      "An OpenTelemetry-Collector-style trace pipeline that speaks OTLP and AWS X-Ray.",
      "Without a command, runs the collector with the given --config files."
    })
public final class Main implements Callable<Integer> {

  /** Success. */
  public static final int EXIT_OK = 0;

  /** A runtime failure. */
  public static final int EXIT_FAILURE = 1;

  /** An invalid configuration or command line. */
  public static final int EXIT_USAGE = 2;

  private final Context context;

  @Mixin private ConfigOptions config;

  @Mixin private PluginOptions plugins;

  private Main(Context context) {
    this.context = context;
  }

  /** Entry point of the distribution. */
  public static void main(String[] args) {
    System.exit(execute(args, System.out, System.err, System.getenv()));
  }

  /**
   * Runs the command line without exiting the JVM.
   *
   * @param env the environment {@code ${env:NAME}} references read
   * @return the exit code
   */
  public static int execute(
      String[] args, PrintStream out, PrintStream err, Map<String, String> env) {
    return execute(args, out, err, env, Service::runUntilShutdown);
  }

  static int execute(
      String[] args,
      PrintStream out,
      PrintStream err,
      Map<String, String> env,
      ServiceRunner runner) {
    Context context =
        new Context(
            Objects.requireNonNull(out, "out"),
            Objects.requireNonNull(err, "err"),
            Map.copyOf(Objects.requireNonNull(env, "env")),
            Objects.requireNonNull(runner, "runner"));
    CommandLine cli =
        new CommandLine(new Main(context))
            .addSubcommand(new RunCommand(context))
            .addSubcommand(new ValidateCommand(context))
            .addSubcommand(new ComponentsCommand(context))
            .addSubcommand(new PrintConfigCommand(context))
            .addSubcommand(new DaemonCommand(context))
            .addSubcommand(new DemoCommand(out))
            .setOut(new PrintWriter(out, true, StandardCharsets.UTF_8))
            .setErr(new PrintWriter(err, true, StandardCharsets.UTF_8))
            .setExecutionExceptionHandler(
                (e, cmd, parsed) -> {
                  cmd.getErr().println("raybridge: " + e);
                  e.printStackTrace(cmd.getErr());
                  return EXIT_FAILURE;
                });
    int code = cli.execute(args);
    out.flush();
    err.flush();
    return code;
  }

  @Override
  public Integer call() {
    if (config.files.isEmpty()) {
      context.err.println("raybridge: give a command, or --config FILE to run the collector");
      new CommandLine(this).usage(context.err);
      return EXIT_USAGE;
    }
    return run(context, config, plugins);
  }

  /** What every command shares: where to print, the environment, how to run the service. */
  private record Context(
      PrintStream out, PrintStream err, Map<String, String> env, ServiceRunner runner) {}

  /** {@code --config} and {@code --set}. */
  static final class ConfigOptions {

    @Option(
        names = {"-c", "--config"},
        paramLabel = "FILE",
        description = "A YAML config file; repeat to merge several (later files win).")
    List<Path> files = new ArrayList<>();

    @Option(
        names = "--set",
        paramLabel = "PATH=VALUE",
        description = "Overrides one key, e.g. --set processors.batch.timeout=2s.")
    List<String> sets = new ArrayList<>();
  }

  /** {@code --plugins}. */
  static final class PluginOptions {

    @Option(
        names = "--plugins",
        paramLabel = "DIR",
        description =
            "A directory of plugin jars; repeatable. Default: the plugins/ directory of the"
                + " distribution.")
    List<Path> dirs = new ArrayList<>();
  }

  @Command(name = "run", mixinStandardHelpOptions = true, description = "Runs the collector.")
  static final class RunCommand implements Callable<Integer> {

    private final Context context;
    @Mixin private ConfigOptions config;
    @Mixin private PluginOptions plugins;

    RunCommand(Context context) {
      this.context = context;
    }

    @Override
    public Integer call() {
      return requireConfig(context, config) ? run(context, config, plugins) : EXIT_USAGE;
    }
  }

  @Command(
      name = "validate",
      mixinStandardHelpOptions = true,
      description = "Checks a configuration and prints every problem found.")
  static final class ValidateCommand implements Callable<Integer> {

    private final Context context;
    @Mixin private ConfigOptions config;
    @Mixin private PluginOptions plugins;

    ValidateCommand(Context context) {
      this.context = context;
    }

    @Override
    public Integer call() {
      if (!requireConfig(context, config)) {
        return EXIT_USAGE;
      }
      ComponentRegistry registry = registry(context, plugins);
      if (registry == null) {
        return EXIT_FAILURE;
      }
      if (load(context, config, registry) == null) {
        return EXIT_USAGE;
      }
      context.out.println("configuration is valid");
      return EXIT_OK;
    }
  }

  @Command(
      name = "components",
      mixinStandardHelpOptions = true,
      description = "Lists every installed receiver, processor and exporter type.")
  static final class ComponentsCommand implements Callable<Integer> {

    private final Context context;
    @Mixin private PluginOptions plugins;

    ComponentsCommand(Context context) {
      this.context = context;
    }

    @Override
    public Integer call() {
      ComponentRegistry registry = registry(context, plugins);
      if (registry == null) {
        return EXIT_FAILURE;
      }
      for (ComponentKind kind : ComponentKind.values()) {
        context.out.println(kind.section() + ":");
        List<InstalledComponent> installed = registry.components(kind);
        if (installed.isEmpty()) {
          context.out.println("  (none)");
        }
        int width = installed.stream().mapToInt(c -> c.type().length()).max().orElse(0);
        for (InstalledComponent c : installed) {
          context.out.printf(
              "  %-" + width + "s  %s (%s)%n", c.type(), c.origin(), c.factoryClassName());
        }
      }
      return EXIT_OK;
    }
  }

  @Command(
      name = "print-config",
      mixinStandardHelpOptions = true,
      description = "Prints the merged, env-expanded configuration with secrets redacted.")
  static final class PrintConfigCommand implements Callable<Integer> {

    private final Context context;
    @Mixin private ConfigOptions config;

    PrintConfigCommand(Context context) {
      this.context = context;
    }

    @Override
    public Integer call() {
      if (!requireConfig(context, config)) {
        return EXIT_USAGE;
      }
      try {
        context.out.print(ConfigLoader.printConfig(config.files, config.sets, context.env));
        return EXIT_OK;
      } catch (ConfigException e) {
        e.renderedLines().forEach(context.err::println);
        return EXIT_USAGE;
      }
    }
  }

  /**
   * {@code xray-daemon}: the X-Ray daemon's flags and cfg.yaml, translated into the equivalent
   * pipeline and run like any config.
   */
  @Command(
      name = "xray-daemon",
      description = "Runs the X-Ray daemon's pipeline from the daemon's own flags and cfg.yaml.")
  static final class DaemonCommand implements Callable<Integer> {

    private final Context context;
    @Mixin private XRayDaemonCommand daemon;
    @Mixin private PluginOptions plugins;

    DaemonCommand(Context context) {
      this.context = context;
    }

    @Override
    public Integer call() throws java.io.IOException {
      String yaml;
      try {
        yaml = daemon.toYaml();
      } catch (IllegalArgumentException e) {
        context.err.println("raybridge xray-daemon: " + e.getMessage());
        return EXIT_USAGE;
      }
      daemon.logFile().ifPresent(f -> Logging.logToFile(f.toString()));
      Path file = Files.createTempFile("raybridge-xray-daemon", ".yaml");
      file.toFile().deleteOnExit();
      Files.writeString(file, yaml, StandardCharsets.UTF_8);
      ConfigOptions options = new ConfigOptions();
      options.files.add(file);
      return run(context, options, plugins);
    }
  }

  /** Reads the version from the jar manifest; {@code dev} when run from classes. */
  static final class Version implements CommandLine.IVersionProvider {

    @Override
    public String[] getVersion() {
      return new String[] {"raybridge " + version()};
    }

    static String version() {
      String v = Main.class.getPackage().getImplementationVersion();
      return v == null || v.isBlank() ? "dev" : v;
    }
  }

  private static int run(Context context, ConfigOptions config, PluginOptions plugins) {
    ComponentRegistry registry = registry(context, plugins);
    if (registry == null) {
      return EXIT_FAILURE;
    }
    ServiceConfig loaded = load(context, config, registry);
    if (loaded == null) {
      return EXIT_USAGE;
    }
    return context.runner.run(loaded, registry);
  }

  private static boolean requireConfig(Context context, ConfigOptions config) {
    if (config.files.isEmpty()) {
      context.err.println("raybridge: missing required option --config FILE");
      return false;
    }
    return true;
  }

  /** The loaded config, or null after printing every problem. */
  private static ServiceConfig load(
      Context context, ConfigOptions config, ComponentRegistry registry) {
    try {
      return ConfigLoader.load(config.files, config.sets, context.env, registry);
    } catch (ConfigException e) {
      e.renderedLines().forEach(context.err::println);
      return null;
    }
  }

  /** The installed components, or null after printing why they cannot be loaded. */
  private static ComponentRegistry registry(Context context, PluginOptions plugins) {
    List<Path> dirs = plugins.dirs.isEmpty() ? defaultPluginDirs() : plugins.dirs;
    try {
      return ComponentRegistry.load(Main.class.getClassLoader(), dirs);
    } catch (ComponentRegistryException e) {
      context.err.println("raybridge: " + e.getMessage());
      return null;
    }
  }

  /**
   * {@code plugins/} beside the distribution jar, or beside the directory holding it (a {@code
   * lib/} or {@code bin/} layout), whichever exist.
   */
  private static List<Path> defaultPluginDirs() {
    CodeSource source = Main.class.getProtectionDomain().getCodeSource();
    if (source == null || source.getLocation() == null) {
      return List.of();
    }
    Path jar;
    try {
      jar = Path.of(source.getLocation().toURI());
    } catch (URISyntaxException | IllegalArgumentException e) {
      return List.of();
    }
    if (!Files.isRegularFile(jar) || jar.getParent() == null) {
      return List.of();
    }
    List<Path> dirs = new ArrayList<>();
    for (Path base = jar.getParent(); base != null && dirs.isEmpty(); base = base.getParent()) {
      Path candidate = base.resolve("plugins");
      if (Files.isDirectory(candidate)) {
        dirs.add(candidate);
      }
      if (base.equals(jar.getParent().getParent())) {
        break;
      }
    }
    return dirs;
  }
}
