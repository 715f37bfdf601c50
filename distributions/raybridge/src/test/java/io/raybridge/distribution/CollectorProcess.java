package io.raybridge.distribution;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

/** The distribution's jar started as a separate JVM, the way a user runs it. */
final class CollectorProcess implements AutoCloseable {

  static final Path JAR = Path.of(System.getProperty("raybridge.jar", "target/raybridge.jar"));
  static final Path CONFIG_EXAMPLES =
      Path.of(System.getProperty("raybridge.configExamples", "../../config-examples"));

  private final Process process;
  private final Path output;

  private CollectorProcess(Process process, Path output) {
    this.process = process;
    this.output = output;
  }

  /** Starts {@code java -jar raybridge.jar ARGS}, with stdout and stderr in one file. */
  static CollectorProcess start(Path workDir, String... args) throws IOException {
    return start(workDir, java.util.Map.of(), args);
  }

  /** As {@link #start(Path, String...)}, with extra environment variables. */
  static CollectorProcess start(Path workDir, java.util.Map<String, String> env, String... args)
      throws IOException {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.add("-Xmx128m");
    command.add("-jar");
    command.add(JAR.toAbsolutePath().toString());
    command.addAll(List.of(args));
    Path out = Files.createTempFile(workDir, "collector", ".log");
    ProcessBuilder builder = new ProcessBuilder(command);
    builder.environment().putAll(env);
    Process p =
        builder
            .directory(workDir.toFile())
            .redirectErrorStream(true)
            .redirectOutput(out.toFile())
            .start();
    return new CollectorProcess(p, out);
  }

  /** Runs the jar to completion and returns its exit code; the output is in {@link #output()}. */
  static CollectorProcess runToEnd(Path workDir, String... args)
      throws IOException, InterruptedException {
    CollectorProcess p = start(workDir, args);
    assertThat(p.process.waitFor(60, TimeUnit.SECONDS)).as("process finished").isTrue();
    return p;
  }

  /**
   * Threads for the OpenTelemetry SDK's OTLP exporter. Its default pool takes at most five calls at
   * once and refuses the rest, and the spans of a refused call are lost without failing the flush.
   */
  static java.util.concurrent.ExecutorService exporterThreads() {
    return java.util.concurrent.Executors.newCachedThreadPool(
        r -> {
          Thread t = new Thread(r, "otlp-exporter");
          t.setDaemon(true);
          return t;
        });
  }

  static int freePort() {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  String output() {
    try {
      return Files.readString(output, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  int exitCode() {
    return process.exitValue();
  }

  boolean isAlive() {
    return process.isAlive();
  }

  /** Waits until the health endpoint on {@code port} answers 200. */
  void awaitHealthy(int port) {
    HttpClient client = HttpClient.newHttpClient();
    await(
        "collector healthy on port " + port,
        Duration.ofSeconds(60),
        () -> {
          if (!process.isAlive()) {
            throw new AssertionError("collector exited early:\n" + output());
          }
          try {
            HttpResponse<String> r =
                client.send(
                    HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/"))
                        .timeout(Duration.ofSeconds(2))
                        .build(),
                    HttpResponse.BodyHandlers.ofString());
            return r.statusCode() == 200;
          } catch (IOException e) {
            return false;
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
          }
        });
  }

  /** Waits until the collector's output contains {@code text}. */
  void awaitOutput(String text) {
    await("output contains '" + text + "'", Duration.ofSeconds(30), () -> output().contains(text));
  }

  /** Sends SIGKILL and waits for the process to die. */
  void kill() throws InterruptedException {
    process.destroyForcibly();
    process.waitFor(30, TimeUnit.SECONDS);
  }

  /** Sends SIGTERM and waits for the process to exit; returns the exit code. */
  int terminate() throws InterruptedException {
    process.destroy();
    if (!process.waitFor(60, TimeUnit.SECONDS)) {
      process.destroyForcibly();
      throw new AssertionError("collector did not stop within 60s:\n" + output());
    }
    return process.exitValue();
  }

  static void await(String what, Duration timeout, BooleanSupplier condition) {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("timed out waiting for " + what);
      }
      try {
        Thread.sleep(50);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new AssertionError("interrupted waiting for " + what, e);
      }
    }
  }

  @Override
  public void close() {
    if (process.isAlive()) {
      process.destroyForcibly();
    }
  }
}
