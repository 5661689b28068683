package dev.smileflow.train;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;

class ProgressBarTest {
  @Test
  void countsArrivingOutOfOrderFromParallelFitsNeverMoveTheBarBackwards() {
    StringWriter out = new StringWriter();
    ProgressBar bar = new ProgressBar(true, new PrintWriter(out));
    bar.fitted(2, 4, "svm");
    bar.fitted(1, 4, "logistic");
    bar.fitted(4, 4, "knn");
    String drawn = out.toString();
    assertTrue(drawn.contains(" 2/4 "), drawn);
    assertFalse(drawn.contains(" 1/4 "), drawn);
    assertTrue(drawn.contains(" 4/4 "), drawn);
    assertTrue(drawn.endsWith(System.lineSeparator()), "the finished bar ends its line");
  }
}
