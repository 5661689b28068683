package dev.smileflow.api.logging;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.classic.spi.Configurator;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.ConsoleAppender;
import java.util.HashMap;
import java.util.Map;
import java.util.ServiceLoader;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class LogSetupTest {
  private static final String[] PROPERTIES = {
    "logback.configurationFile", LogSetup.FORMAT, LogSetup.LEVEL
  };
  private final Map<String, String> saved = new HashMap<>();

  @BeforeEach
  void clearProperties() {
    for (String p : PROPERTIES) {
      String v = System.getProperty(p);
      if (v != null) {
        saved.put(p, v);
      }
      System.clearProperty(p);
    }
  }

  @AfterEach
  void restoreProperties() {
    for (String p : PROPERTIES) {
      System.clearProperty(p);
    }
    saved.forEach(System::setProperty);
  }

  private static ConsoleAppender<ILoggingEvent> configure(LoggerContext context) {
    assertEquals(
        Configurator.ExecutionStatus.DO_NOT_INVOKE_NEXT_IF_ANY, new LogSetup().configure(context));
    Logger root = context.getLogger(Logger.ROOT_LOGGER_NAME);
    var appender = root.getAppender("CONSOLE");
    assertTrue(appender.isStarted());
    @SuppressWarnings("unchecked")
    var console = (ConsoleAppender<ILoggingEvent>) appender;
    return console;
  }

  @Test
  void jsonLinesAtInfoByDefaultWithJettyAndJavalinAtWarn() {
    var context = new LoggerContext();
    var console = configure(context);
    assertInstanceOf(JsonLineEncoder.class, console.getEncoder());
    assertEquals(Level.INFO, context.getLogger(Logger.ROOT_LOGGER_NAME).getLevel());
    assertEquals(Level.WARN, context.getLogger("org.eclipse.jetty").getLevel());
    assertEquals(Level.WARN, context.getLogger("io.javalin").getLevel());
  }

  @Test
  void textFormatAndLevelFromTheProperties() {
    System.setProperty(LogSetup.FORMAT, "text");
    System.setProperty(LogSetup.LEVEL, "DEBUG");
    var context = new LoggerContext();
    var console = configure(context);
    var encoder = assertInstanceOf(PatternLayoutEncoder.class, console.getEncoder());
    assertEquals(LogSetup.TEXT_PATTERN, encoder.getPattern());
    assertEquals(Level.DEBUG, context.getLogger(Logger.ROOT_LOGGER_NAME).getLevel());
  }

  @Test
  void anExplicitConfigurationFileWins() {
    System.setProperty("logback.configurationFile", "somewhere.xml");
    var context = new LoggerContext();
    assertEquals(
        Configurator.ExecutionStatus.INVOKE_NEXT_IF_ANY, new LogSetup().configure(context));
    assertEquals(null, context.getLogger(Logger.ROOT_LOGGER_NAME).getAppender("CONSOLE"));
  }

  @Test
  void logbackFindsItThroughTheServiceFile() {
    assertTrue(
        ServiceLoader.load(Configurator.class).stream()
            .anyMatch(p -> p.type().equals(LogSetup.class)));
  }
}
