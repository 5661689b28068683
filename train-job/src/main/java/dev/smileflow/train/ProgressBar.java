package dev.smileflow.train;

import dev.smileflow.train.search.CrossValidator;
import java.io.Console;
import java.io.PrintWriter;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** CV progress: a redrawn bar on a terminal, otherwise a log line every tenth of the work. */
final class ProgressBar implements CrossValidator.Progress {
  private static final Logger log = LoggerFactory.getLogger(ProgressBar.class);
  private static final int WIDTH = 30;

  private final boolean terminal;
  private final PrintWriter err;
  private int lastDecile = -1;
  private int shown;

  ProgressBar(boolean terminal, PrintWriter err) {
    this.terminal = terminal;
    this.err = err;
  }

  /** Whether stderr looks like an interactive terminal. */
  @SuppressWarnings("SystemConsoleNull") // NullAway's JDK model still has it @Nullable
  static boolean isTerminal() {
    Console console = System.console();
    return console != null && console.isTerminal();
  }

  @Override
  public synchronized void fitted(int done, int total, String what) {
    // Fits finish on several threads, so counts can arrive out of order: only ever move forward.
    if (done <= shown) {
      return;
    }
    shown = done;
    if (terminal) {
      int filled = (int) ((long) WIDTH * done / total);
      String label = what.length() > 48 ? what.substring(0, 45) + "..." : what;
      err.printf(
          "\r[%s%s] %d/%d %-48s",
          "#".repeat(filled), " ".repeat(WIDTH - filled), done, total, label);
      if (done == total) {
        err.println();
      }
      err.flush();
      return;
    }
    int decile = (int) (10L * done / total);
    if (decile > lastDecile) {
      lastDecile = decile;
      log.info("cross-validation {}/{} fits ({}%)", done, total, 100L * done / total);
    }
  }
}
