/**
 * Test helpers shipped in model-bundle's test-jar for the other modules' tests: real small Smile
 * models trained on the bundled Iris data and written as bundles, and ways to corrupt a bundle
 * (flip a byte, drop a file, change the format version, smuggle in a forbidden class).
 */
@NullMarked
package dev.smileflow.bundle.testing;

import org.jspecify.annotations.NullMarked;
