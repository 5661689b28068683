package dev.smileflow.train.search;

import java.lang.foreign.Arena;
import java.lang.foreign.SymbolLookup;

/**
 * Whether Smile's native BLAS/LAPACK (needed by LDA) can be loaded, checked the way Smile loads it.
 */
public final class NativeBlas {
  private NativeBlas() {}

  /**
   * True when {@code lib<smile.lib.blas or openblas>.so} opens (the same restricted lookup Smile
   * makes).
   */
  @SuppressWarnings("restricted")
  public static boolean available() {
    String name =
        System.getProperty(
            "smile.lib.blas",
            System.getProperty("os.name", "").startsWith("Mac") ? "blas" : "openblas");
    try (Arena arena = Arena.ofConfined()) {
      SymbolLookup.libraryLookup(System.mapLibraryName(name), arena);
      return true;
    } catch (IllegalArgumentException | IllegalCallerException | UnsupportedOperationException e) {
      return false;
    }
  }
}
