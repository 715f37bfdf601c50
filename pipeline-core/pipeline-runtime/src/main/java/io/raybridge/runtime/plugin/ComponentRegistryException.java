package io.raybridge.runtime.plugin;

/**
 * The set of installed components is unusable: two factories claim the same type, a plugin
 * directory cannot be read, or a factory fails to load.
 */
public final class ComponentRegistryException extends RuntimeException {

  private static final long serialVersionUID = 1L;

  public ComponentRegistryException(String message) {
    super(message);
  }

  public ComponentRegistryException(String message, Throwable cause) {
    super(message, cause);
  }
}
