package dev.smileflow.api.logging;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.classic.spi.Configurator;
import ch.qos.logback.classic.spi.ConfiguratorRank;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.ConsoleAppender;
import ch.qos.logback.core.encoder.Encoder;
import ch.qos.logback.core.spi.ContextAwareBase;
import java.util.Locale;

/**
 * The api's logging set-up, found by logback through {@code META-INF/services}: one console
 * appender, JSON lines ({@link JsonLineEncoder}) or, with {@value #FORMAT} {@code text}, plain
 * text; the root level from {@value #LEVEL}; Jetty and Javalin at WARN. In code rather than a
 * {@code logback.xml}: parsing XML was a quarter of the api's start-up. An explicit {@code
 * -Dlogback.configurationFile} still wins (the tests use one).
 */
@ConfiguratorRank(ConfiguratorRank.CUSTOM_NORMAL_PRIORITY)
public final class LogSetup extends ContextAwareBase implements Configurator {
  /** System property: {@code json} (the default) or {@code text}; Main sets it from LOG_FORMAT. */
  public static final String FORMAT = "smileflow.log.format";

  /** System property: the root level; Main sets it from LOG_LEVEL. */
  public static final String LEVEL = "smileflow.log.level";

  static final String TEXT_PATTERN =
      "%d{HH:mm:ss.SSS} %-5level [%thread] %logger{24} %X{request_id:-} - %msg%n";

  @Override
  public ExecutionStatus configure(LoggerContext context) {
    if (System.getProperty("logback.configurationFile") != null) {
      return ExecutionStatus.INVOKE_NEXT_IF_ANY;
    }
    Encoder<ILoggingEvent> encoder;
    if ("text".equals(System.getProperty(FORMAT))) {
      var pattern = new PatternLayoutEncoder();
      pattern.setPattern(TEXT_PATTERN);
      encoder = pattern;
    } else {
      encoder = new JsonLineEncoder();
    }
    encoder.setContext(context);
    encoder.start();
    var console = new ConsoleAppender<ILoggingEvent>();
    console.setContext(context);
    console.setName("CONSOLE");
    console.setEncoder(encoder);
    console.start();
    Logger root = context.getLogger(Logger.ROOT_LOGGER_NAME);
    root.setLevel(
        Level.toLevel(System.getProperty(LEVEL, "INFO").toUpperCase(Locale.ROOT), Level.INFO));
    root.addAppender(console);
    context.getLogger("org.eclipse.jetty").setLevel(Level.WARN);
    context.getLogger("io.javalin").setLevel(Level.WARN);
    return ExecutionStatus.DO_NOT_INVOKE_NEXT_IF_ANY;
  }
}
