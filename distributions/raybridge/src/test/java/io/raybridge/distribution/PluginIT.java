package io.raybridge.distribution;

import static org.assertj.core.api.Assertions.assertThat;

import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.exporter.otlp.trace.OtlpGrpcSpanExporter;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.export.BatchSpanProcessor;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.stream.Stream;
import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A plugin written against the SPI, compiled and jarred at test time, dropped into a plugins
 * directory and used in a pipeline by the real distribution.
 */
class PluginIT {

  private static final String FACTORY =
      """
      package com.example.raybridge;

      import com.fasterxml.jackson.annotation.JsonProperty;
      import io.opentelemetry.proto.trace.v1.ResourceSpans;
      import io.opentelemetry.proto.trace.v1.ScopeSpans;
      import io.opentelemetry.proto.trace.v1.Span;
      import io.raybridge.pipeline.ComponentSettings;
      import io.raybridge.pipeline.Exporter;
      import io.raybridge.pipeline.ExporterFactory;
      import io.raybridge.pipeline.Traces;
      import java.io.IOException;
      import java.io.UncheckedIOException;
      import java.nio.file.Files;
      import java.nio.file.Path;
      import java.nio.file.StandardOpenOption;
      import java.time.Duration;

      public final class SpanNameFileExporterFactory
          implements ExporterFactory<SpanNameFileExporterFactory.Config> {

        public record Config(@JsonProperty("path") String path) {
          public Config {
            if (path == null) {
              throw new IllegalArgumentException("path is required");
            }
          }
        }

        @Override public String type() { return "span_name_file"; }
        @Override public Class<Config> configType() { return Config.class; }

        @Override
        public Exporter create(ComponentSettings settings, Config config) {
          Path file = Path.of(config.path());
          return new Exporter() {
            @Override public void start() throws IOException {
              Files.writeString(file, "");
            }
            @Override public synchronized void consume(Traces traces) {
              StringBuilder names = new StringBuilder();
              for (ResourceSpans rs : traces.resourceSpans()) {
                for (ScopeSpans ss : rs.getScopeSpansList()) {
                  for (Span span : ss.getSpansList()) {
                    names.append(span.getName()).append('\\n');
                  }
                }
              }
              try {
                Files.writeString(file, names, StandardOpenOption.APPEND);
              } catch (IOException e) {
                throw new UncheckedIOException(e);
              }
            }
            @Override public void shutdown(Duration timeout) {}
          };
        }
      }
      """;

  @TempDir Path dir;

  private Path buildPluginJar() throws IOException {
    Path src = dir.resolve("src/com/example/raybridge/SpanNameFileExporterFactory.java");
    Files.createDirectories(src.getParent());
    Files.writeString(src, FACTORY);
    Path classes = Files.createDirectories(dir.resolve("classes"));
    JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
    int rc =
        javac.run(
            null,
            null,
            null,
            "--release",
            "17",
            "-classpath",
            System.getProperty("java.class.path"),
            "-d",
            classes.toString(),
            src.toString());
    assertThat(rc).as("plugin compiles").isZero();

    Path plugins = Files.createDirectories(dir.resolve("plugins"));
    Path jar = plugins.resolve("span-name-file.jar");
    try (JarOutputStream out = new JarOutputStream(Files.newOutputStream(jar));
        Stream<Path> files = Files.walk(classes)) {
      for (Path f : files.filter(Files::isRegularFile).toList()) {
        out.putNextEntry(new JarEntry(classes.relativize(f).toString().replace('\\', '/')));
        Files.copy(f, out);
        out.closeEntry();
      }
      out.putNextEntry(new JarEntry("META-INF/services/io.raybridge.pipeline.ExporterFactory"));
      OutputStream services = out;
      services.write(
          "com.example.raybridge.SpanNameFileExporterFactory\n".getBytes(StandardCharsets.UTF_8));
      out.closeEntry();
    }
    return plugins;
  }

  @Test
  void pluginJarIsDiscoveredAndUsedInAPipeline() throws Exception {
    Path plugins = buildPluginJar();

    CollectorProcess components =
        CollectorProcess.runToEnd(dir, "components", "--plugins", plugins.toString());
    assertThat(components.exitCode()).as(components.output()).isZero();
    assertThat(components.output()).contains("span_name_file").contains("span-name-file.jar");

    Path names = dir.resolve("names.txt");
    int grpcPort = CollectorProcess.freePort();
    int healthPort = CollectorProcess.freePort();
    Path config = dir.resolve("plugin.yaml");
    Files.writeString(
        config,
        """
        receivers:
          otlp:
            protocols:
              grpc:
                endpoint: 127.0.0.1:%d
        exporters:
          span_name_file:
            path: %s
        service:
          pipelines:
            traces:
              receivers: [otlp]
              exporters: [span_name_file]
          telemetry:
            metrics:
              level: none
            health:
              address: 127.0.0.1:%d
        """
            .formatted(grpcPort, names.toAbsolutePath(), healthPort));
    try (CollectorProcess collector =
        CollectorProcess.start(
            dir, "run", "--config", config.toString(), "--plugins", plugins.toString())) {
      collector.awaitHealthy(healthPort);
      SdkTracerProvider provider =
          SdkTracerProvider.builder()
              .addSpanProcessor(
                  BatchSpanProcessor.builder(
                          OtlpGrpcSpanExporter.builder()
                              .setEndpoint("http://127.0.0.1:" + grpcPort)
                              .setExecutorService(CollectorProcess.exporterThreads())
                              .build())
                      .build())
              .build();
      Tracer tracer = provider.get("plugin-test");
      for (String name : List.of("alpha", "beta", "gamma")) {
        tracer.spanBuilder(name).startSpan().end();
      }
      assertThat(provider.forceFlush().join(10, TimeUnit.SECONDS).isSuccess()).isTrue();
      provider.shutdown().join(10, TimeUnit.SECONDS);
      CollectorProcess.await(
          "three span names in " + names,
          java.time.Duration.ofSeconds(30),
          () -> {
            try {
              return Files.readAllLines(names).size() == 3;
            } catch (IOException e) {
              return false;
            }
          });
      assertThat(Files.readAllLines(names)).containsExactlyInAnyOrder("alpha", "beta", "gamma");
    }
  }
}
