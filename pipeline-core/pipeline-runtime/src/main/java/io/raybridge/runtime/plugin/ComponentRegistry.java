package io.raybridge.runtime.plugin;

import io.raybridge.pipeline.ComponentFactory;
import io.raybridge.pipeline.ComponentKind;
import io.raybridge.pipeline.ExporterFactory;
import io.raybridge.pipeline.ProcessorFactory;
import io.raybridge.pipeline.ReceiverFactory;
import java.io.IOException;
import java.net.URISyntaxException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.CodeSource;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.ServiceConfigurationError;
import java.util.ServiceLoader;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Every receiver, processor and exporter factory available to this process, found with {@link
 * ServiceLoader} on the application class path and in plugin jars.
 *
 * <p>Plugin jars are the {@code *.jar} files directly inside each plugin directory; they share one
 * {@link URLClassLoader} whose parent is the application loader, so a plugin sees the SPI and the
 * libraries of the distribution but not another distribution's copy of them. Two factories with the
 * same type within one kind make loading fail with a message naming both classes, because silently
 * picking one would make the running pipeline depend on class path order.
 *
 * <p>Instances are immutable and thread-safe.
 */
public final class ComponentRegistry {

  private static final Logger LOG = LoggerFactory.getLogger(ComponentRegistry.class);

  private final Map<ComponentKind, Map<String, InstalledComponent>> byKind;

  private ComponentRegistry(Map<ComponentKind, Map<String, InstalledComponent>> byKind) {
    this.byKind = byKind;
  }

  /**
   * Discovers the factories visible from {@code parent} and from the jars in {@code pluginDirs}.
   *
   * @param parent the loader of the distribution (usually the application class loader)
   * @param pluginDirs directories holding plugin jars; each must exist
   * @throws ComponentRegistryException on a duplicate type, an unreadable plugin directory or a
   *     factory that cannot be instantiated
   */
  public static ComponentRegistry load(ClassLoader parent, List<Path> pluginDirs) {
    Objects.requireNonNull(parent, "parent");
    Objects.requireNonNull(pluginDirs, "pluginDirs");
    List<URL> jars = new ArrayList<>();
    for (Path dir : pluginDirs) {
      jars.addAll(pluginJars(dir));
    }
    ClassLoader loader = parent;
    if (!jars.isEmpty()) {
      // Never closed: the classes it loads live as long as the process.
      loader = new URLClassLoader("raybridge-plugins", jars.toArray(URL[]::new), parent);
      LOG.debug("plugin jars: {}", jars);
    }
    List<ComponentFactory<?>> factories = new ArrayList<>();
    factories.addAll(discover(ReceiverFactory.class, loader));
    factories.addAll(discover(ProcessorFactory.class, loader));
    factories.addAll(discover(ExporterFactory.class, loader));
    return of(factories);
  }

  /**
   * A registry of exactly these factories, for tests and embedding.
   *
   * @throws ComponentRegistryException on a duplicate type within one kind
   */
  public static ComponentRegistry of(Collection<? extends ComponentFactory<?>> factories) {
    Map<ComponentKind, Map<String, InstalledComponent>> byKind = new EnumMap<>(ComponentKind.class);
    for (ComponentKind kind : ComponentKind.values()) {
      byKind.put(kind, new TreeMap<>());
    }
    for (ComponentFactory<?> factory : factories) {
      ComponentKind kind = kindOf(factory);
      String type = Objects.requireNonNull(factory.type(), "type() of " + factory.getClass());
      InstalledComponent previous = byKind.get(kind).get(type);
      if (previous != null) {
        throw new ComponentRegistryException(
            "duplicate "
                + kind.label()
                + " type '"
                + type
                + "': "
                + previous.factoryClassName()
                + " and "
                + factory.getClass().getName());
      }
      byKind.get(kind).put(type, new InstalledComponent(kind, type, factory, originOf(factory)));
    }
    Map<ComponentKind, Map<String, InstalledComponent>> frozen = new EnumMap<>(ComponentKind.class);
    byKind.forEach((k, v) -> frozen.put(k, Collections.unmodifiableMap(v)));
    return new ComponentRegistry(frozen);
  }

  /** The factory of {@code type} for components of {@code kind}, if one is installed. */
  public Optional<ComponentFactory<?>> factory(ComponentKind kind, String type) {
    return installed(kind, type).map(InstalledComponent::factory);
  }

  /** The factory of {@code type} with where it came from, if one is installed. */
  public Optional<InstalledComponent> installed(ComponentKind kind, String type) {
    return Optional.ofNullable(byKind.get(kind).get(type));
  }

  /** The installed types of {@code kind}, sorted. */
  public SortedSet<String> types(ComponentKind kind) {
    return Collections.unmodifiableSortedSet(new TreeSet<>(byKind.get(kind).keySet()));
  }

  /** Every installed factory of {@code kind}, sorted by type. */
  public List<InstalledComponent> components(ComponentKind kind) {
    return List.copyOf(byKind.get(kind).values());
  }

  private static ComponentKind kindOf(ComponentFactory<?> factory) {
    // A class implementing two factory interfaces would have to be registered as both kinds,
    // which ServiceLoader does per interface; of() receives each instance once per kind.
    if (factory instanceof ReceiverFactory<?>) {
      return ComponentKind.RECEIVER;
    }
    if (factory instanceof ProcessorFactory<?>) {
      return ComponentKind.PROCESSOR;
    }
    if (factory instanceof ExporterFactory<?>) {
      return ComponentKind.EXPORTER;
    }
    throw new ComponentRegistryException(
        factory.getClass().getName()
            + " implements none of ReceiverFactory, ProcessorFactory, ExporterFactory");
  }

  private static List<ComponentFactory<?>> discover(Class<?> service, ClassLoader loader) {
    List<ComponentFactory<?>> found = new ArrayList<>();
    try {
      for (Object factory : ServiceLoader.load(service, loader)) {
        found.add((ComponentFactory<?>) factory);
      }
    } catch (ServiceConfigurationError e) {
      throw new ComponentRegistryException(
          "cannot load a " + service.getSimpleName() + ": " + e.getMessage(), e);
    }
    return found;
  }

  private static List<URL> pluginJars(Path dir) {
    if (!Files.isDirectory(dir)) {
      throw new ComponentRegistryException("plugin directory " + dir + " does not exist");
    }
    try (Stream<Path> files = Files.list(dir)) {
      List<URL> urls = new ArrayList<>();
      for (Path jar :
          files
              .filter(p -> p.getFileName().toString().endsWith(".jar"))
              .filter(Files::isRegularFile)
              .sorted()
              .toList()) {
        urls.add(jar.toUri().toURL());
      }
      return urls;
    } catch (IOException e) {
      throw new ComponentRegistryException(
          "cannot read plugin directory " + dir + ": " + e.getMessage(), e);
    }
  }

  private static String originOf(ComponentFactory<?> factory) {
    Class<?> type = factory.getClass();
    Module module = type.getModule();
    if (module.isNamed()) {
      return module.getName();
    }
    CodeSource source = type.getProtectionDomain().getCodeSource();
    if (source == null || source.getLocation() == null) {
      return "unknown";
    }
    try {
      Path path = Path.of(source.getLocation().toURI());
      Path name = path.getFileName();
      return name == null ? path.toString() : name.toString();
    } catch (URISyntaxException | IllegalArgumentException e) {
      return source.getLocation().toString();
    }
  }
}
