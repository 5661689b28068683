package dev.smileflow.train.search;

import dev.smileflow.bundle.Predictor;
import dev.smileflow.train.data.Preprocessing;
import dev.smileflow.train.data.Split;
import dev.smileflow.train.data.Table;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.ObjectOutputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Stratified k-fold cross-validation of many candidates. The preprocessing (standardization
 * statistics, imputation values) is fitted on each fold's training rows only and shared by every
 * candidate on that fold; the (candidate, fold) fits run on a fixed thread pool, each seeded with
 * {@code seed + fold}, and are collected in candidate order, so the results do not depend on
 * scheduling.
 */
public final class CrossValidator {
  private static final Logger log = LoggerFactory.getLogger(CrossValidator.class);

  private final int folds;
  private final long seed;
  private final int threads;

  /** Listens to progress; called from worker threads. */
  public interface Progress {
    void fitted(int done, int total, String what);
  }

  public CrossValidator(int folds, long seed, int threads) {
    if (folds < 2) {
      throw new IllegalArgumentException("folds must be >= 2, got " + folds);
    }
    if (threads < 1) {
      throw new IllegalArgumentException("threads must be >= 1, got " + threads);
    }
    this.folds = folds;
    this.seed = seed;
    this.threads = threads;
  }

  @SuppressWarnings("ArrayRecordComponent") // private, never compared, hashed or printed
  private record Fold(
      int index,
      double[][] trainX,
      int[] trainY,
      double[][] testX,
      int[] testY,
      List<String> names) {}

  /** Evaluates every candidate on the same folds of {@code table}. */
  public SearchResult run(Table table, List<ModelSpec> candidates, Metric metric, Progress progress)
      throws InterruptedException {
    List<Integer> all = IntStream.range(0, candidates.size()).boxed().toList();
    return SearchResult.of(evaluate(table, candidates, all, progress), metric, folds);
  }

  /**
   * Evaluates the candidates at {@code indexes} of {@code candidates} (one shard's share, or all of
   * them) on the folds of {@code table}; each result keeps its index in the whole list, and a
   * candidate that fails is a result with its reason, not an exception.
   */
  public List<CandidateResult> evaluate(
      Table table, List<ModelSpec> candidates, List<Integer> indexes, Progress progress)
      throws InterruptedException {
    int[] y = table.y();
    int[][] held = Split.folds(y, folds, seed);
    List<Fold> data = new ArrayList<>(folds);
    for (int f = 0; f < folds; f++) {
      int[] test = held[f];
      int[] train = Split.complement(table.rows(), test);
      Preprocessing prep = Preprocessing.fit(table, train);
      data.add(
          new Fold(
              f,
              prep.encode(table, train),
              Split.pick(y, train),
              prep.encode(table, test),
              Split.pick(y, test),
              prep.encodedNames()));
    }
    int total = indexes.size() * folds;
    AtomicInteger done = new AtomicInteger();
    ExecutorService pool =
        Executors.newFixedThreadPool(
            threads, Thread.ofPlatform().name("cv-worker").daemon().factory());
    try {
      List<List<Future<Outcome>>> futures = new ArrayList<>();
      for (int c : indexes) {
        ModelSpec spec = candidates.get(c);
        List<Future<Outcome>> perFold = new ArrayList<>();
        for (Fold fold : data) {
          perFold.add(
              pool.submit(() -> {
                Outcome outcome = fitAndScore(spec, fold, table.classes().size());
                progress.fitted(
                    done.incrementAndGet(), total, spec.label() + " fold " + (fold.index() + 1));
                return outcome;
              }));
        }
        futures.add(perFold);
      }
      List<CandidateResult> results = new ArrayList<>();
      for (int i = 0; i < indexes.size(); i++) {
        int c = indexes.get(i);
        List<FoldScore> scores = new ArrayList<>();
        String failure = null;
        long size = 0;
        for (Future<Outcome> future : futures.get(i)) {
          switch (await(future)) {
            case Scored s -> {
              scores.add(s.score());
              if (s.score().fold() == 0) {
                size = s.sizeBytes();
              }
            }
            case Failed f -> failure = failure == null ? f.reason() : failure;
          }
        }
        if (failure != null) {
          log.warn("candidate {} failed: {}", candidates.get(c).label(), failure);
          results.add(new CandidateResult(c, candidates.get(c), List.of(), 0, failure));
        } else {
          results.add(new CandidateResult(c, candidates.get(c), scores, size, null));
        }
      }
      return results;
    } finally {
      pool.shutdownNow();
    }
  }

  /** What one (candidate, fold) task produced. */
  private sealed interface Outcome permits Scored, Failed {}

  private record Scored(FoldScore score, long sizeBytes) implements Outcome {}

  private record Failed(String reason) implements Outcome {}

  private Outcome fitAndScore(ModelSpec spec, Fold fold, int classes) {
    if (Thread.currentThread().isInterrupted()) {
      return new Failed("interrupted");
    }
    try {
      long t0 = System.nanoTime();
      Object model = spec.fit(fold.trainX(), fold.trainY(), fold.names(), seed + fold.index());
      long t1 = System.nanoTime();
      Evaluation e = score(Predictor.of(model, fold.names()), fold.testX(), fold.testY(), classes);
      long t2 = System.nanoTime();
      long size = fold.index() == 0 ? serializedSize(model) : 0;
      return new Scored(
          new FoldScore(
              fold.index(),
              e.accuracy(),
              e.f1Macro(),
              e.logLoss(),
              (t1 - t0) / 1_000_000,
              (t2 - t1) / 1_000_000),
          size);
    } catch (RuntimeException | LinkageError e) {
      return new Failed(e.getClass().getSimpleName() + ": " + e.getMessage());
    }
  }

  /** Predicts every encoded row. */
  static Evaluation score(Predictor predictor, double[][] x, int[] y, int classes) {
    int[] predicted = new int[x.length];
    double[][] probabilities = new double[x.length][classes];
    for (int i = 0; i < x.length; i++) {
      predicted[i] = predictor.predict(x[i], probabilities[i]);
    }
    return new Evaluation(classes, y, predicted, probabilities);
  }

  /** Bytes of the Java serialization of {@code model}. */
  private static long serializedSize(Object model) {
    var bytes = new ByteArrayOutputStream();
    try (var out = new ObjectOutputStream(bytes)) {
      out.writeObject(model);
    } catch (IOException e) {
      return -1;
    }
    return bytes.size();
  }

  private static Outcome await(Future<Outcome> future) throws InterruptedException {
    try {
      return future.get();
    } catch (ExecutionException e) {
      return new Failed(String.valueOf(e.getCause()));
    }
  }
}
