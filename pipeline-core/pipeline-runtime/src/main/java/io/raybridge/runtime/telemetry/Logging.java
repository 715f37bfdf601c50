package io.raybridge.runtime.telemetry;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.JsonEncoder;
import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.ConsoleAppender;
import ch.qos.logback.core.FileAppender;
import ch.qos.logback.core.OutputStreamAppender;
import ch.qos.logback.core.encoder.Encoder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Applies {@code service.telemetry.logs} to the logging backend. */
public final class Logging {

  private static final String PATTERN =
      "%d{yyyy-MM-dd'T'HH:mm:ss.SSSXXX} %-5level [%thread] %logger{36} - %msg%n";

  private static volatile String logFile;

  private Logging() {}

  /**
   * Sends logs to {@code file} (appending) instead of standard error, from the next {@link
   * #configure} on; the X-Ray daemon's {@code --log-file}.
   */
  public static void logToFile(String file) {
    logFile = file;
  }

  /**
   * Sets the root level and the console encoding ({@code console} or {@code json}). Does nothing
   * when SLF4J is bound to another backend (a plugin host may bring its own).
   */
  public static void configure(String level, String encoding) {
    if (!(LoggerFactory.getILoggerFactory() instanceof LoggerContext context)) {
      return;
    }
    ch.qos.logback.classic.Logger root = context.getLogger(Logger.ROOT_LOGGER_NAME);
    root.setLevel(Level.toLevel(level, Level.INFO));
    root.detachAndStopAllAppenders();
    Encoder<ILoggingEvent> encoder;
    if ("json".equals(encoding)) {
      JsonEncoder json = new JsonEncoder();
      json.setContext(context);
      json.start();
      encoder = json;
    } else {
      PatternLayoutEncoder pattern = new PatternLayoutEncoder();
      pattern.setContext(context);
      pattern.setPattern(PATTERN);
      pattern.start();
      encoder = pattern;
    }
    OutputStreamAppender<ILoggingEvent> appender;
    String file = logFile;
    if (file != null) {
      FileAppender<ILoggingEvent> fileAppender = new FileAppender<>();
      fileAppender.setFile(file);
      fileAppender.setAppend(true);
      appender = fileAppender;
    } else {
      ConsoleAppender<ILoggingEvent> console = new ConsoleAppender<>();
      console.setTarget("System.err");
      appender = console;
    }
    appender.setContext(context);
    appender.setName("main");
    appender.setEncoder(encoder);
    appender.start();
    root.addAppender(appender);
  }
}
