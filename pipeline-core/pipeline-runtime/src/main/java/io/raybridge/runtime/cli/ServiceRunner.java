package io.raybridge.runtime.cli;

import io.raybridge.runtime.config.ServiceConfig;
import io.raybridge.runtime.plugin.ComponentRegistry;

/** Runs a valid configuration until shutdown and returns the exit code; tests substitute it. */
@FunctionalInterface
interface ServiceRunner {

  int run(ServiceConfig config, ComponentRegistry registry);
}
