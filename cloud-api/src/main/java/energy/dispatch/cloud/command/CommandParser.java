package energy.dispatch.cloud.command;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonMappingException;
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
    requireNoNul(json, "$");
    for (String cloudField : List.of("accepted_at", "expires_at")) {
      if (json.has(cloudField)) {
        throw new RefusalException(ErrorCode.SCHEMA_VIOLATION,
            "$." + cloudField + " is set by the cloud on acceptance; leave it out");
      }
    }
    try {
      return Json.mapper().treeToValue(json, Command.class);
    } catch (JsonMappingException e) {
      throw new RefusalException(ErrorCode.SCHEMA_VIOLATION, fieldPath(e)
          + " is out of range or of the wrong type; see command.schema.json", e);
    } catch (JsonProcessingException | IllegalArgumentException e) {
      throw new RefusalException(ErrorCode.SCHEMA_VIOLATION, "the command cannot be read as a command; see "
          + "command.schema.json", e);
    }
  }

  /**
   * PostgreSQL cannot store the NUL character in text or jsonb, so a string (or key) holding one is
   * refused here, naming the field, rather than failing at the record as if the store were down.
   */
  static void requireNoNul(JsonNode node, String path) {
    if (node.isTextual() && node.textValue().indexOf('\0') >= 0) {
      throw new RefusalException(ErrorCode.SCHEMA_VIOLATION, path + " contains the NUL character (\\u0000), "
          + "which is not allowed in any text; remove it");
    }
    if (node.isArray()) {
      for (int i = 0; i < node.size(); i++) {
        requireNoNul(node.get(i), path + "[" + i + "]");
      }
    }
    node.fieldNames().forEachRemaining(name -> {
      if (name.indexOf('\0') >= 0) {
        throw new RefusalException(ErrorCode.SCHEMA_VIOLATION, path + " has a field name containing the NUL "
            + "character (\\u0000), which is not allowed; remove it");
      }
      requireNoNul(node.get(name), path + "." + name);
    });
  }

  private static String fieldPath(JsonMappingException e) {
    StringBuilder path = new StringBuilder("$");
    for (JsonMappingException.Reference step : e.getPath()) {
      if (step.getFieldName() != null) {
        path.append('.').append(step.getFieldName());
      } else if (step.getIndex() >= 0) {
        path.append('[').append(step.getIndex()).append(']');
      }
    }
    return path.length() == 1 ? "a field of the command" : path.toString();
  }

  /** The command id and edge id as far as they can be read, for answering a refusal. */
  static String textAt(JsonNode json, String... path) {
    JsonNode node = json;
    for (String step : path) {
      node = node == null ? null : node.get(step);
    }
    // a NUL would make the refusal's own audit row unstorable
    return node != null && node.isTextual() && node.asText().length() <= 128 && node.asText().indexOf('\0') < 0
        ? node.asText() : null;
  }
}
