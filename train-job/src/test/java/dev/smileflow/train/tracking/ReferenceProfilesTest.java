package dev.smileflow.train.tracking;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.smileflow.mlflow.MlflowClient;
import dev.smileflow.mlflow.MlflowConfig;
import dev.smileflow.train.data.DataError;
import dev.smileflow.train.data.DataException;
import java.net.URI;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ReferenceProfilesTest {

  @Test
  void tellsMlflowReferencesFromFiles() {
    assertTrue(ReferenceProfiles.isMlflowUri("models:/iris@production"));
    assertTrue(ReferenceProfiles.isMlflowUri("runs:/abc"));
    assertFalse(ReferenceProfiles.isMlflowUri("data/data_profile.json"));
  }

  /** Refused before any call: the client points at a port nothing listens on. */
  @Test
  void refusesAModelsUriThatNamesNoRegisteredVersion(@TempDir Path dir) {
    try (MlflowClient client =
        MlflowClient.create(
            MlflowConfig.fromEnv(
                Map.of("MLFLOW_TRACKING_URI", URI.create("http://127.0.0.1:9").toString())))) {
      DataException malformed =
          assertThrows(
              DataException.class,
              () -> ReferenceProfiles.download(client, "models:/iris/3/x", dir));
      assertEquals(DataError.REFERENCE_PROFILE, malformed.code());
      assertTrue(
          malformed
              .getMessage()
              .startsWith("reference profile models:/iris/3/x: expected models:/<name>@<alias>"),
          malformed.getMessage());
      DataException logged =
          assertThrows(
              DataException.class, () -> ReferenceProfiles.download(client, "models:/m-abc", dir));
      assertTrue(logged.getMessage().contains("not a logged model"), logged.getMessage());
    }
  }
}
