package energy.dispatch.schema;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Every example in {@code schemas/examples} and every demo site config is valid against its schema. */
class ExamplesTest {

  static Stream<Path> examples() throws IOException {
    try (Stream<Path> files = Files.list(Path.of("examples"))) {
      return files.sorted().toList().stream();
    }
  }

  static Stream<Path> siteConfigs() throws IOException {
    try (Stream<Path> files = Files.list(Path.of("../config/sites"))) {
      return files.sorted().toList().stream();
    }
  }

  @ParameterizedTest
  @MethodSource("examples")
  void example_is_valid_against_the_schema_its_name_starts_with(Path example) throws IOException {
    String name = example.getFileName().toString();
    SchemaValidator.Schema schema = SchemaValidator.Schema.valueOf(
        name.substring(0, name.indexOf('.')).replace('-', '_').toUpperCase());
    JsonNode message = Json.mapper().readTree(example.toFile());

    assertThat(SchemaValidator.instance().violations(schema, message)).isEmpty();
  }

  @ParameterizedTest
  @MethodSource("siteConfigs")
  void demo_site_config_parses(Path config) throws IOException {
    CapabilityConfig parsed = CapabilityConfig.parse(Json.mapper().readTree(config.toFile()));

    assertThat(parsed.device("bms_main")).isPresent();
  }
}
