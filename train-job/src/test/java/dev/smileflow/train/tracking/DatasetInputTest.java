package dev.smileflow.train.tracking;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.smileflow.mlflow.Dataset;
import dev.smileflow.train.data.CsvTables;
import dev.smileflow.train.data.LoadOptions;
import dev.smileflow.train.data.MissingPolicy;
import dev.smileflow.train.data.Table;
import java.nio.charset.StandardCharsets;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The training data as MLflow's dataset input. */
class DatasetInputTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  @Test
  void irisDatasetHasAColspecSchemaWithTheLabelAProfileAndAShortDigest() throws Exception {
    Dataset d = MlflowTracker.dataset(CsvTables.iris(), 120);
    assertEquals("iris", d.name());
    assertEquals(16, d.digest().length());
    JsonNode schema = JSON.readTree(d.schema()).get("mlflow_colspec");
    assertEquals(5, schema.size());
    assertEquals("sepal_length", schema.get(0).get("name").asText());
    assertEquals("double", schema.get(0).get("type").asText());
    assertEquals("species", schema.get(4).get("name").asText());
    JsonNode profile = JSON.readTree(d.profile());
    assertEquals(150, profile.get("num_rows").asInt());
    assertEquals(750, profile.get("num_elements").asInt());
    assertEquals(50, profile.get("classes").get("Iris-setosa").asInt());
    assertEquals("classpath:iris.csv", JSON.readTree(d.source()).get("uri").asText());
  }

  @Test
  void categoricalColumnsAreStringsAndOddNamesAreEscaped() throws Exception {
    Table t =
        CsvTables.parse(
            "/data/odd \"name\".csv",
            "a\"b,c\\d,y\n1,x,p\n2,z,q\n".getBytes(StandardCharsets.UTF_8),
            new LoadOptions("y", MissingPolicy.REJECT, Set.of()));
    Dataset d = MlflowTracker.dataset(t, 2);
    JsonNode schema = JSON.readTree(d.schema()).get("mlflow_colspec");
    assertEquals("a\"b", schema.get(0).get("name").asText());
    assertEquals("string", schema.get(1).get("type").asText());
    assertEquals("c\\d", schema.get(1).get("name").asText());
  }
}
