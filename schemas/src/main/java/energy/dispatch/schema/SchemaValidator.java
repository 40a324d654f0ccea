package energy.dispatch.schema;

import com.fasterxml.jackson.databind.JsonNode;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SchemaLocation;
import com.networknt.schema.SchemaValidatorsConfig;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.ValidationMessage;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Validates wire messages against the JSON Schemas in {@code schemas/} on the classpath. The
 * schemas are loaded once; validation is thread-safe.
 */
public final class SchemaValidator {

  /** The schemas a message can be checked against. */
  public enum Schema {
    COMMAND("command.schema.json"),
    ACK("ack.schema.json"),
    COMMAND_STATUS("command-status.schema.json"),
    EDGE_STATE("edge-state.schema.json"),
    CAPABILITY_CONFIG("capability-config.schema.json");

    private final String file;

    Schema(String file) {
      this.file = file;
    }
  }

  private static final String BASE = "https://dispatch.energy/schemas/v1/";
  private static final SchemaValidator INSTANCE = new SchemaValidator();

  private final Map<Schema, JsonSchema> schemas = new EnumMap<>(Schema.class);

  private SchemaValidator() {
    JsonSchemaFactory factory = JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V202012,
        builder -> builder.schemaMappers(mappers -> mappers.mapPrefix(BASE, "classpath:schemas/")));
    SchemaValidatorsConfig config = SchemaValidatorsConfig.builder().formatAssertionsEnabled(true).build();
    for (Schema schema : Schema.values()) {
      schemas.put(schema, factory.getSchema(SchemaLocation.of(BASE + schema.file), config));
    }
  }

  public static SchemaValidator instance() {
    return INSTANCE;
  }

  /** Every violation, each naming the JSON path and what is wrong; empty when valid. */
  public List<String> violations(Schema schema, JsonNode message) {
    Set<ValidationMessage> messages = schemas.get(schema).validate(message);
    return messages.stream().map(ValidationMessage::getMessage).sorted().toList();
  }
}
