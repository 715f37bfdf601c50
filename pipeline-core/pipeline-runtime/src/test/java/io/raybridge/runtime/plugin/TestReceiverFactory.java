package io.raybridge.runtime.plugin;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.raybridge.pipeline.ComponentSettings;
import io.raybridge.pipeline.Receiver;
import io.raybridge.pipeline.ReceiverFactory;
import io.raybridge.pipeline.TracesConsumer;
import io.raybridge.pipeline.config.Violations;
import java.time.Duration;
import java.util.List;

/** A receiver type for runtime tests: {@code test_receiver}; it receives nothing. */
public final class TestReceiverFactory implements ReceiverFactory<TestReceiverFactory.Config> {

  /** Config with a nested list of records and an int range. */
  public record Config(
      @JsonProperty("endpoint") String endpoint,
      @JsonProperty("max_connections") Integer maxConnections,
      @JsonProperty("tags") List<String> tags,
      @JsonProperty("routes") List<Route> routes) {

    public Config {
      endpoint = endpoint == null ? "127.0.0.1:0" : endpoint;
      maxConnections = maxConnections == null ? 10 : maxConnections;
      tags = tags == null ? List.of() : List.copyOf(tags);
      routes = routes == null ? List.of() : List.copyOf(routes);
      new Violations()
          .check(
              maxConnections >= 1 && maxConnections <= 1000,
              "max_connections",
              "must be between 1 and 1000, was " + maxConnections)
          .throwIfAny();
    }
  }

  /** One element of {@code routes}. */
  public record Route(@JsonProperty("name") String name, @JsonProperty("weight") Integer weight) {

    public Route {
      weight = weight == null ? 1 : weight;
      new Violations()
          .check(name != null && !name.isEmpty(), "name", "must be set")
          .check(weight >= 0, "weight", "must be >= 0, was " + weight)
          .throwIfAny();
    }
  }

  @Override
  public String type() {
    return "test_receiver";
  }

  @Override
  public Class<Config> configType() {
    return Config.class;
  }

  @Override
  public Receiver create(ComponentSettings settings, Config config, TracesConsumer next) {
    return new Receiver() {
      @Override
      public void start() {}

      @Override
      public void shutdown(Duration timeout) {}
    };
  }
}
