package io.raybridge.runtime.service;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.raybridge.pipeline.Component;
import io.raybridge.pipeline.ComponentId;
import io.raybridge.pipeline.ComponentKind;
import io.raybridge.pipeline.ComponentSettings;
import io.raybridge.pipeline.ComponentTelemetry;
import io.raybridge.pipeline.Exporter;
import io.raybridge.pipeline.ExporterFactory;
import io.raybridge.pipeline.Processor;
import io.raybridge.pipeline.ProcessorFactory;
import io.raybridge.pipeline.Receiver;
import io.raybridge.pipeline.ReceiverFactory;
import io.raybridge.pipeline.TracesConsumer;
import io.raybridge.runtime.config.ComponentEntry;
import io.raybridge.runtime.config.PipelineConfig;
import io.raybridge.runtime.config.ServiceConfig;
import io.raybridge.runtime.plugin.ComponentRegistry;
import io.raybridge.runtime.telemetry.Logging;
import io.raybridge.runtime.telemetry.SelfTelemetry;
import io.raybridge.runtime.telemetry.TelemetryServer;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A running collector: the components of a valid {@link ServiceConfig} wired into pipelines,
 * started and stopped in order, with the self-telemetry endpoints.
 *
 * <p>Receivers are shared by every pipeline that lists them (fan-out); each pipeline has its own
 * processor instances; exporters are shared (fan-in). Start order is exporters, processors,
 * receivers; shutdown runs the other way, each stage draining into the next, all within {@code
 * service.shutdown_timeout}.
 */
public final class Service implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(Service.class);
  private static final ObjectMapper JSON = new ObjectMapper();

  /** The lifecycle state of one component, as the health endpoint reports it. */
  public enum Status {
    CREATED,
    STARTING,
    OK,
    FAILED,
    STOPPING,
    STOPPED
  }

  private record Instance(String key, ComponentKind kind, ComponentId id, Component component) {}

  private final ServiceConfig config;
  private final Clock clock;
  private final SelfTelemetry telemetry;
  private final List<Instance> exporters = new ArrayList<>();
  private final List<Instance> processors = new ArrayList<>();
  private final List<Instance> receivers = new ArrayList<>();
  private final Map<String, Status> status = new ConcurrentHashMap<>();
  private final List<TelemetryServer> servers = new ArrayList<>();
  private final AtomicBoolean shutdownStarted = new AtomicBoolean();
  private final CountDownLatch terminated = new CountDownLatch(1);
  private volatile TelemetryServer metricsServer;
  private volatile TelemetryServer healthServer;

  /** Builds (but does not start) the pipelines of {@code config}. */
  public Service(ServiceConfig config) {
    this(config, Clock.systemUTC());
  }

  Service(ServiceConfig config, Clock clock) {
    this.config = Objects.requireNonNull(config, "config");
    this.clock = clock;
    this.telemetry = new SelfTelemetry();
    build();
  }

  /**
   * Runs the collector until the JVM is asked to stop (SIGTERM, SIGINT) and returns the process
   * exit code: 0 after a graceful shutdown, 1 when a component failed to start.
   */
  public static int runUntilShutdown(ServiceConfig config, ComponentRegistry registry) {
    Objects.requireNonNull(registry, "registry");
    Logging.configure(config.telemetry().logLevel(), config.telemetry().logEncoding());
    Service service;
    try {
      service = new Service(config);
    } catch (RuntimeException e) {
      log.error("cannot build pipelines: {}", e.getMessage(), e);
      return 1;
    }
    try {
      service.start();
    } catch (StartupException e) {
      log.error("{}", e.getMessage());
      service.close();
      return 1;
    }
    Thread hook = new Thread(service::close, "raybridge-shutdown");
    Runtime.getRuntime().addShutdownHook(hook);
    service.awaitTermination();
    return 0;
  }

  private void build() {
    Map<ComponentId, TracesConsumer> exporterById = new LinkedHashMap<>();
    for (ComponentEntry e : config.exporters().values()) {
      ExporterFactory<Object> f = cast(e.factory());
      Exporter exporter = f.create(settings(ComponentKind.EXPORTER, e.id(), ""), e.config());
      exporters.add(register(ComponentKind.EXPORTER, e.id(), "", exporter));
      exporterById.put(e.id(), exporter);
    }

    Map<ComponentId, List<TracesConsumer>> receiverTargets = new LinkedHashMap<>();
    for (PipelineConfig p : config.pipelines()) {
      List<TracesConsumer> outs = new ArrayList<>();
      for (ComponentId id : p.exporters()) {
        outs.add(Objects.requireNonNull(exporterById.get(id), () -> "exporter " + id));
      }
      TracesConsumer next = FanoutConsumer.of(outs);
      List<Instance> pipelineProcessors = new ArrayList<>();
      for (int i = p.processors().size() - 1; i >= 0; i--) {
        ComponentId id = p.processors().get(i);
        ComponentEntry e = Objects.requireNonNull(config.processors().get(id), () -> "proc " + id);
        ProcessorFactory<Object> f = cast(e.factory());
        Processor processor =
            f.create(settings(ComponentKind.PROCESSOR, id, p.id()), e.config(), next);
        pipelineProcessors.add(0, register(ComponentKind.PROCESSOR, id, p.id(), processor));
        next = processor;
      }
      processors.addAll(pipelineProcessors);
      for (ComponentId id : p.receivers()) {
        receiverTargets.computeIfAbsent(id, k -> new ArrayList<>()).add(next);
      }
    }

    for (Map.Entry<ComponentId, List<TracesConsumer>> r : receiverTargets.entrySet()) {
      ComponentEntry e =
          Objects.requireNonNull(config.receivers().get(r.getKey()), () -> "recv " + r.getKey());
      ReceiverFactory<Object> f = cast(e.factory());
      Receiver receiver =
          f.create(
              settings(ComponentKind.RECEIVER, e.id(), ""),
              e.config(),
              FanoutConsumer.of(r.getValue()));
      receivers.add(register(ComponentKind.RECEIVER, e.id(), "", receiver));
    }
  }

  @SuppressWarnings("unchecked")
  private static <F> F cast(Object factory) {
    return (F) factory;
  }

  private Instance register(ComponentKind kind, ComponentId id, String pipeline, Component c) {
    String key =
        kind.label() + "/" + id + (pipeline.isEmpty() ? "" : " (pipeline " + pipeline + ")");
    status.put(key, Status.CREATED);
    return new Instance(key, kind, id, c);
  }

  private ComponentSettings settings(ComponentKind kind, ComponentId id, String pipeline) {
    String logger = "raybridge." + kind.label() + "." + id;
    String threadPrefix =
        "raybridge-" + kind.label() + "-" + id + (pipeline.isEmpty() ? "" : "-" + pipeline);
    return new ComponentSettings(
        id,
        kind,
        LoggerFactory.getLogger(logger),
        clock,
        daemonThreads(threadPrefix.replace('/', '_')),
        new ComponentTelemetry(telemetry.meter(), kind, id));
  }

  private static ThreadFactory daemonThreads(String prefix) {
    AtomicInteger n = new AtomicInteger();
    return r -> {
      Thread t = new Thread(r, prefix + "-" + n.incrementAndGet());
      t.setDaemon(true);
      return t;
    };
  }

  /**
   * Starts the telemetry endpoints, then exporters, processors and receivers. When anything fails
   * to start, what was started is shut down again and the exception names the component.
   */
  public void start() throws StartupException {
    try {
      if (config.telemetry().metricsEnabled()) {
        metricsServer = TelemetryServer.metrics(config.telemetry().metricsAddress(), telemetry);
        servers.add(metricsServer);
      }
      if (config.telemetry().healthEnabled()) {
        healthServer = TelemetryServer.health(config.telemetry().healthAddress(), this::health);
        servers.add(healthServer);
      }
    } catch (IOException | RuntimeException e) {
      throw new StartupException("cannot start telemetry: " + e.getMessage(), e);
    }
    List<Instance> order = new ArrayList<>(exporters);
    // Later processors first, so that each processor's downstream is running when it starts.
    List<Instance> reversedProcessors = new ArrayList<>(processors);
    java.util.Collections.reverse(reversedProcessors);
    order.addAll(reversedProcessors);
    order.addAll(receivers);
    for (Instance i : order) {
      status.put(i.key(), Status.STARTING);
      try {
        i.component().start();
      } catch (Exception e) {
        status.put(i.key(), Status.FAILED);
        String reason = e.getMessage() == null ? e.toString() : e.getMessage();
        throw new StartupException(
            "failed to start " + i.kind().label() + " '" + i.id() + "': " + reason, e);
      }
      status.put(i.key(), Status.OK);
    }
    log.info(
        "Everything is ready: {} receiver(s), {} processor instance(s), {} exporter(s) in {}"
            + " pipeline(s){}{}",
        receivers.size(),
        processors.size(),
        exporters.size(),
        config.pipelines().size(),
        metricsServer == null
            ? ""
            : "; metrics at http://"
                + config.telemetry().metricsAddress().replaceAll(":\\d+$", "")
                + ":"
                + metricsServer.port()
                + "/metrics",
        healthServer == null
            ? ""
            : "; health at http://"
                + config.telemetry().healthAddress().replaceAll(":\\d+$", "")
                + ":"
                + healthServer.port()
                + "/");
  }

  /** Blocks until {@link #close()} has finished. */
  public void awaitTermination() {
    boolean interrupted = false;
    while (true) {
      try {
        terminated.await();
        break;
      } catch (InterruptedException e) {
        interrupted = true;
      }
    }
    if (interrupted) {
      Thread.currentThread().interrupt();
    }
  }

  /**
   * Shuts everything down gracefully: receivers stop accepting, processors drain into exporters,
   * exporters drain their queues, all within {@code service.shutdown_timeout}. Idempotent; a second
   * caller waits for the first to finish.
   */
  @Override
  public void close() {
    if (!shutdownStarted.compareAndSet(false, true)) {
      awaitTermination();
      return;
    }
    try {
      Duration timeout = config.shutdownTimeout();
      long deadline = System.nanoTime() + timeout.toNanos();
      log.info("Shutting down (timeout {})", timeout);
      stopAll(receivers, deadline);
      stopAll(processors, deadline);
      stopAll(exporters, deadline);
      for (TelemetryServer s : servers) {
        s.close();
      }
      telemetry.close();
      log.info("Shutdown complete");
    } finally {
      terminated.countDown();
    }
  }

  private void stopAll(List<Instance> instances, long deadline) {
    for (Instance i : instances) {
      status.put(i.key(), Status.STOPPING);
      long left = Math.max(0, deadline - System.nanoTime());
      try {
        i.component().shutdown(Duration.ofNanos(left));
      } catch (RuntimeException e) {
        log.warn("{} '{}' failed to shut down cleanly", i.kind().label(), i.id(), e);
      }
      status.put(i.key(), Status.STOPPED);
    }
  }

  /** The health endpoint's answer: healthy when every component is running. */
  public TelemetryServer.Health health() {
    ObjectNode body = JSON.createObjectNode();
    boolean healthy = !status.isEmpty() && status.values().stream().allMatch(s -> s == Status.OK);
    body.put("status", healthy ? "Server available" : "Server not available");
    body.put("healthy", healthy);
    ObjectNode components = body.putObject("components");
    status.entrySet().stream()
        .sorted(Map.Entry.comparingByKey())
        .forEach(
            e ->
                components.put(e.getKey(), e.getValue().name().toLowerCase(java.util.Locale.ROOT)));
    return new TelemetryServer.Health(healthy, body.toString());
  }

  /** The bound port of the metrics endpoint, or -1 when it is disabled or not started. */
  public int metricsPort() {
    TelemetryServer s = metricsServer;
    return s == null ? -1 : s.port();
  }

  /** The bound port of the health endpoint, or -1 when it is disabled or not started. */
  public int healthPort() {
    TelemetryServer s = healthServer;
    return s == null ? -1 : s.port();
  }

  /** Waits up to {@code timeout} for {@link #close()} to finish; true when it has. */
  public boolean awaitTermination(Duration timeout) throws InterruptedException {
    return terminated.await(timeout.toNanos(), TimeUnit.NANOSECONDS);
  }
}
