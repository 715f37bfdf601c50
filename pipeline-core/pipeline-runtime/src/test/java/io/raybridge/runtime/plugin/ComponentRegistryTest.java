package io.raybridge.runtime.plugin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.raybridge.pipeline.ComponentFactory;
import io.raybridge.pipeline.ComponentKind;
import io.raybridge.pipeline.ComponentSettings;
import io.raybridge.pipeline.Exporter;
import io.raybridge.pipeline.ExporterFactory;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ComponentRegistryTest {

  @TempDir Path temp;

  @Test
  void discoversFactoriesListedInServiceFiles() {
    ComponentRegistry registry = ComponentRegistry.load(getClass().getClassLoader(), List.of());

    assertThat(registry.types(ComponentKind.RECEIVER)).contains("test_receiver");
    assertThat(registry.types(ComponentKind.PROCESSOR)).contains("test_processor");
    assertThat(registry.types(ComponentKind.EXPORTER)).contains("test_exporter");
    assertThat(registry.factory(ComponentKind.EXPORTER, "test_exporter"))
        .get()
        .isInstanceOf(TestExporterFactory.class);
    assertThat(registry.factory(ComponentKind.RECEIVER, "test_exporter")).isEmpty();
    assertThat(registry.installed(ComponentKind.RECEIVER, "test_receiver").orElseThrow().origin())
        .isEqualTo("test-classes");
  }

  @Test
  void loadsAFactoryFromAPluginJarBuiltAtTestTime() throws IOException {
    Path plugins = Files.createDirectory(temp.resolve("plugins"));
    PluginJars.build(plugins);

    ComponentRegistry registry =
        ComponentRegistry.load(getClass().getClassLoader(), List.of(plugins));

    InstalledComponent echo =
        registry.installed(ComponentKind.EXPORTER, PluginJars.TYPE).orElseThrow();
    assertThat(echo.factoryClassName()).isEqualTo(PluginJars.FACTORY);
    assertThat(echo.origin()).isEqualTo("echo-plugin.jar");
    assertThat(echo.factory().getClass().getClassLoader()).isNotSameAs(getClass().getClassLoader());
    assertThat(registry.types(ComponentKind.EXPORTER)).contains("echo", "test_exporter");
  }

  @Test
  void rejectsADuplicateTypeNamingBothClasses() {
    List<ComponentFactory<?>> factories =
        List.of(new TestExporterFactory(), new OtherTestExporterFactory());

    assertThatThrownBy(() -> ComponentRegistry.of(factories))
        .isInstanceOf(ComponentRegistryException.class)
        .hasMessage(
            "duplicate exporter type 'test_exporter': "
                + "io.raybridge.runtime.plugin.TestExporterFactory and "
                + "io.raybridge.runtime.plugin.ComponentRegistryTest$OtherTestExporterFactory");
  }

  @Test
  void allowsTheSameTypeForDifferentKinds() {
    ComponentRegistry registry =
        ComponentRegistry.of(List.of(new TestExporterFactory(), new TestReceiverFactory()));

    assertThat(registry.types(ComponentKind.EXPORTER)).containsExactly("test_exporter");
    assertThat(registry.types(ComponentKind.RECEIVER)).containsExactly("test_receiver");
    assertThat(registry.types(ComponentKind.PROCESSOR)).isEmpty();
  }

  @Test
  void rejectsAMissingPluginDirectory() {
    Path missing = temp.resolve("nope");

    assertThatThrownBy(() -> ComponentRegistry.load(getClass().getClassLoader(), List.of(missing)))
        .isInstanceOf(ComponentRegistryException.class)
        .hasMessage("plugin directory " + missing + " does not exist");
  }

  /** A second factory claiming {@code test_exporter}. */
  static final class OtherTestExporterFactory implements ExporterFactory<Object> {
    @Override
    public String type() {
      return "test_exporter";
    }

    @Override
    public Class<Object> configType() {
      return Object.class;
    }

    @Override
    public Exporter create(ComponentSettings settings, Object config) {
      throw new UnsupportedOperationException();
    }
  }
}
