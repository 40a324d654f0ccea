package energy.dispatch.cloud.command;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import energy.dispatch.schema.Command;
import energy.dispatch.schema.ErrorCode;
import energy.dispatch.schema.Json;
import energy.dispatch.schema.SchemaValidator;
import java.util.List;

/**
 * Turns a client's raw JSON into a {@link Command}: well-formed JSON, valid against
 * command.schema.json, and without the fields only the cloud sets. Pure and thread-safe.
 */
public final class CommandParser {

  private CommandParser() {}

  /** Reads JSON text. @throws RefusalException {@code malformed_json} */
  public static JsonNode readJson(String raw) {
    try {
      JsonNode node = Json.mapper().readTree(raw);
      if (node == null || node.isMissingNode()) {
        throw new RefusalException(ErrorCode.MALFORMED_JSON, "the message is empty; send one JSON object");
      }
      return node;
    } catch (JsonProcessingException e) {
      throw new RefusalException(ErrorCode.MALFORMED_JSON, "the message is not valid JSON: "
          + e.getOriginalMessage(), e);
    }
  }

  /**
   * Validates a JSON command.
   *
   * @throws RefusalException {@code schema_violation} naming the offending fields
   */
  public static Command toCommand(JsonNode json) {
    if (!json.isObject()) {
      throw new RefusalException(ErrorCode.SCHEMA_VIOLATION, "a command must be a JSON object");
    }
    List<String> violations = SchemaValidator.instance().violations(SchemaValidator.Schema.COMMAND, json);
    if (!violations.isEmpty()) {
      throw new RefusalException(ErrorCode.SCHEMA_VIOLATION, "the command does not match the schema: "
          + String.join("; ", violations.subList(0, Math.min(5, violations.size()))));
    }
    for (String cloudField : List.of("accepted_at", "expires_at")) {
      if (json.has(cloudField)) {
        throw new RefusalException(ErrorCode.SCHEMA_VIOLATION,
            "$." + cloudField + " is set by the cloud on acceptance; leave it out");
      }
    }
    try {
      return Json.mapper().treeToValue(json, Command.class);
    } catch (JsonProcessingException | IllegalArgumentException e) {
      throw new RefusalException(ErrorCode.SCHEMA_VIOLATION, "the command cannot be read: " + e.getMessage(), e);
    }
  }

  /** The command id and edge id as far as they can be read, for answering a refusal. */
  static String textAt(JsonNode json, String... path) {
    JsonNode node = json;
    for (String step : path) {
      node = node == null ? null : node.get(step);
    }
    return node != null && node.isTextual() && node.asText().length() <= 128 ? node.asText() : null;
  }
}
