package io.raybridge.runtime.service;

/** A component failed to start; the message names it and says why. */
public final class StartupException extends Exception {

  private static final long serialVersionUID = 1L;

  StartupException(String message, Throwable cause) {
    super(message, cause);
  }
}
