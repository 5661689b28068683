package dev.smileflow.train.report;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.smileflow.train.search.Evaluation;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import javax.imageio.ImageIO;
import org.knowm.xchart.HeatMapChart;
import org.knowm.xchart.HeatMapChartBuilder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.internal.chartpart.Chart;
import org.knowm.xchart.style.markers.SeriesMarkers;

/** Writes the hold-out evaluation of the chosen model as plots and a text report. */
public final class Reports {
  private static final ObjectMapper JSON = new ObjectMapper();

  /** File names inside the report directory. */
  public static final String CONFUSION_PNG = "confusion_matrix.png";

  public static final String ROC_PNG = "roc_curves.png";
  public static final String REPORT_TXT = "classification_report.txt";
  public static final String REPORT_JSON = "classification_report.json";

  private Reports() {}

  /** Writes every report file of {@code evaluation} into {@code dir}; returns the files written. */
  public static List<Path> write(
      Path dir, Evaluation evaluation, List<String> classes, String title) {
    try {
      Files.createDirectories(dir);
      List<Path> files = new ArrayList<>();
      files.add(png(confusionChart(evaluation, classes, title), dir.resolve(CONFUSION_PNG)));
      files.add(png(rocChart(evaluation, classes, title), dir.resolve(ROC_PNG)));
      files.add(Files.writeString(dir.resolve(REPORT_TXT), text(evaluation, classes)));
      files.add(Files.writeString(dir.resolve(REPORT_JSON), json(evaluation, classes)));
      return files;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write reports into " + dir, e);
    }
  }

  /**
   * The confusion matrix (rows = true class, columns = predicted) as a heat map with counts in the
   * cells.
   */
  static HeatMapChart confusionChart(Evaluation evaluation, List<String> classes, String title) {
    int k = classes.size();
    int[][] m = evaluation.confusion();
    HeatMapChart chart =
        new HeatMapChartBuilder()
            .width(220 + 150 * k)
            .height(140 + 100 * k)
            .title("Confusion matrix (hold-out) - " + title)
            .xAxisTitle("predicted")
            .yAxisTitle("true")
            .build();
    chart
        .getStyler()
        .setShowValue(true)
        .setHeatMapValueDecimalPattern("#")
        .setMin(0)
        .setRangeColors(
            new Color[] {new Color(0xF7FBFF), new Color(0x6BAED6), new Color(0x08306B)});
    chart.getStyler().setPlotContentSize(1.0);
    List<Number[]> cells = new ArrayList<>();
    int max = 1;
    for (int t = 0; t < k; t++) {
      for (int p = 0; p < k; p++) {
        // x = predicted, y = true, drawn top-down so the diagonal runs from top-left.
        cells.add(new Number[] {p, k - 1 - t, m[t][p]});
        max = Math.max(max, m[t][p]);
      }
    }
    chart.getStyler().setMax(max);
    List<String> reversed = new ArrayList<>(classes);
    Collections.reverse(reversed);
    chart.addSeries("count", classes, reversed, cells);
    return chart;
  }

  /** One-vs-rest ROC curves of every class with their AUCs. */
  static XYChart rocChart(Evaluation evaluation, List<String> classes, String title) {
    XYChart chart =
        new XYChartBuilder()
            .width(640)
            .height(520)
            .title("ROC one-vs-rest (hold-out) - " + title)
            .xAxisTitle("false positive rate")
            .yAxisTitle("true positive rate")
            .build();
    chart.getStyler().setXAxisMin(0.0).setXAxisMax(1.0).setYAxisMin(0.0).setYAxisMax(1.05);
    for (int c = 0; c < classes.size(); c++) {
      Evaluation.RocCurve roc = evaluation.roc(c);
      double[] x = roc.points().stream().mapToDouble(p -> p[0]).toArray();
      double[] y = roc.points().stream().mapToDouble(p -> p[1]).toArray();
      XYSeries s =
          chart.addSeries(
              String.format(Locale.ROOT, "%s (AUC %.3f)", classes.get(c), roc.auc()), x, y);
      s.setMarker(SeriesMarkers.NONE);
    }
    XYSeries chance = chart.addSeries("chance", new double[] {0, 1}, new double[] {0, 1});
    chance.setMarker(SeriesMarkers.NONE);
    chance.setLineColor(Color.LIGHT_GRAY);
    return chart;
  }

  /**
   * A scikit-learn style classification report: precision, recall, F1 and support per class, then
   * averages.
   */
  public static String text(Evaluation evaluation, List<String> classes) {
    int width = Math.max(12, classes.stream().mapToInt(String::length).max().orElse(0) + 2);
    String scores = "%" + width + "s %10.3f %10.3f %10.3f %10d%n";
    StringBuilder out = new StringBuilder();
    out.append(
        String.format(
            Locale.ROOT,
            "%" + width + "s %10s %10s %10s %10s%n",
            "",
            "precision",
            "recall",
            "f1-score",
            "support"));
    double p = 0;
    double r = 0;
    double f = 0;
    double wp = 0;
    double wr = 0;
    double wf = 0;
    int n = 0;
    for (Evaluation.ClassScore s : evaluation.perClass()) {
      out.append(
          String.format(
              Locale.ROOT,
              scores,
              classes.get(s.classIndex()),
              s.precision(),
              s.recall(),
              s.f1(),
              s.support()));
      p += s.precision();
      r += s.recall();
      f += s.f1();
      wp += s.precision() * s.support();
      wr += s.recall() * s.support();
      wf += s.f1() * s.support();
      n += s.support();
    }
    int k = classes.size();
    out.append('\n');
    out.append(
        String.format(
            Locale.ROOT,
            "%" + width + "s %10s %10s %10.3f %10d%n",
            "accuracy",
            "",
            "",
            evaluation.accuracy(),
            n));
    out.append(String.format(Locale.ROOT, scores, "macro avg", p / k, r / k, f / k, n));
    out.append(String.format(Locale.ROOT, scores, "weighted avg", wp / n, wr / n, wf / n, n));
    return out.toString();
  }

  /**
   * The same report as JSON: {@code {"classes": {label: {precision, recall, f1, support, auc}},
   * "accuracy": ...}}.
   */
  public static String json(Evaluation evaluation, List<String> classes) {
    ObjectNode root = JSON.createObjectNode();
    ObjectNode perClass = root.putObject("classes");
    for (Evaluation.ClassScore s : evaluation.perClass()) {
      ObjectNode c = perClass.putObject(classes.get(s.classIndex()));
      putFinite(c, "precision", s.precision());
      putFinite(c, "recall", s.recall());
      putFinite(c, "f1", s.f1());
      c.put("support", s.support());
      putFinite(c, "auc_ovr", evaluation.roc(s.classIndex()).auc());
    }
    putFinite(root, "accuracy", evaluation.accuracy());
    putFinite(root, "f1_macro", evaluation.f1Macro());
    putFinite(root, "log_loss", evaluation.logLoss());
    root.put("rows", evaluation.size());
    return root.toString();
  }

  /** JSON has no NaN or infinity: a metric that is not a finite number is written as null. */
  private static void putFinite(ObjectNode node, String field, double value) {
    if (Double.isFinite(value)) {
      node.put(field, value);
    } else {
      node.putNull(field);
    }
  }

  private static Path png(Chart<?, ?> chart, Path file) throws IOException {
    var image = new BufferedImage(chart.getWidth(), chart.getHeight(), BufferedImage.TYPE_INT_RGB);
    Graphics2D g = image.createGraphics();
    try {
      g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
      chart.paint(g, chart.getWidth(), chart.getHeight());
    } finally {
      g.dispose();
    }
    if (!ImageIO.write(image, "png", file.toFile())) {
      throw new IOException("no PNG writer available");
    }
    return file;
  }
}
