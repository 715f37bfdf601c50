package io.raybridge.runtime.plugin;

import static org.assertj.core.api.Assertions.assertThat;

import io.raybridge.pipeline.ExporterFactory;
import java.io.File;
import java.io.IOException;
import java.io.OutputStream;
import java.io.StringWriter;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.stream.Stream;
import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;

/**
 * Builds a real plugin jar at test time: compiles an exporter factory that exists nowhere on the
 * test class path and packs it with its services file, as a plugin author would.
 */
public final class PluginJars {

  /** The type of the exporter in the jar. */
  public static final String TYPE = "echo";

  /** The class of its factory. */
  public static final String FACTORY = "com.example.echo.EchoExporterFactory";

  private static final String SOURCE =
      """
      package com.example.echo;

      import com.fasterxml.jackson.annotation.JsonProperty;
      import io.raybridge.pipeline.ComponentSettings;
      import io.raybridge.pipeline.Exporter;
      import io.raybridge.pipeline.ExporterFactory;
      import io.raybridge.pipeline.Traces;
      import io.raybridge.pipeline.config.Violations;
      import java.time.Duration;

      public final class EchoExporterFactory implements ExporterFactory<EchoExporterFactory.Config> {

        public record Config(@JsonProperty("prefix") String prefix) {
          public Config {
            prefix = prefix == null ? ">" : prefix;
            new Violations().check(!prefix.isBlank(), "prefix", "must not be blank").throwIfAny();
          }
        }

        @Override public String type() { return "echo"; }

        @Override public Class<Config> configType() { return Config.class; }

        @Override public Exporter create(ComponentSettings settings, Config config) {
          return new Exporter() {
            @Override public void consume(Traces traces) {}
            @Override public void start() {}
            @Override public void shutdown(Duration timeout) {}
          };
        }
      }
      """;

  private PluginJars() {}

  /** Writes {@code echo-plugin.jar} into {@code dir} and returns its path. */
  public static Path build(Path dir) throws IOException {
    Path src = Files.createTempDirectory(dir.getParent(), "echo-src");
    Path classes = Files.createTempDirectory(dir.getParent(), "echo-classes");
    Path file = src.resolve("com/example/echo/EchoExporterFactory.java");
    Files.createDirectories(file.getParent());
    Files.writeString(file, SOURCE);
    JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
    StringWriter diagnostics = new StringWriter();
    String classpath = System.getProperty("java.class.path") + File.pathSeparator + apiLocation();
    Boolean ok =
        javac
            .getTask(
                diagnostics,
                null,
                null,
                List.of("--release", "17", "-classpath", classpath, "-d", classes.toString()),
                null,
                javac
                    .getStandardFileManager(null, null, StandardCharsets.UTF_8)
                    .getJavaFileObjects(file.toFile()))
            .call();
    assertThat(ok).as(diagnostics.toString()).isTrue();
    Path jar = dir.resolve("echo-plugin.jar");
    try (OutputStream out = Files.newOutputStream(jar);
        JarOutputStream zip = new JarOutputStream(out);
        Stream<Path> files = Files.walk(classes)) {
      for (Path c : files.filter(Files::isRegularFile).sorted().toList()) {
        zip.putNextEntry(new JarEntry(classes.relativize(c).toString().replace('\\', '/')));
        zip.write(Files.readAllBytes(c));
        zip.closeEntry();
      }
      zip.putNextEntry(new JarEntry("META-INF/services/" + ExporterFactory.class.getName()));
      zip.write((FACTORY + "\n").getBytes(StandardCharsets.UTF_8));
      zip.closeEntry();
    }
    return jar;
  }

  private static String apiLocation() {
    try {
      return Path.of(
              ExporterFactory.class.getProtectionDomain().getCodeSource().getLocation().toURI())
          .toString();
    } catch (URISyntaxException e) {
      throw new IllegalStateException(e);
    }
  }
}
