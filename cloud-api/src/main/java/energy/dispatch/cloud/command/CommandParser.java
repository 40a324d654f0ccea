package energy.dispatch.cloud.command;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonNode;
import energy.dispatch.schema.Command;
import energy.dispatch.schema.ErrorCode;
import energy.dispatch.schema.Json;
import energy.dispatch.schema.SchemaValidator;
import java.util.List;
import java.util.Optional;

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
    // Before the schema, whose messages quote field names: a refusal must be storable itself.
    requireStorableText(json, "$");
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
    } catch (JsonMappingException e) {
      throw new RefusalException(ErrorCode.SCHEMA_VIOLATION, fieldPath(e)
          + " is out of range or of the wrong type; see command.schema.json", e);
    } catch (JsonProcessingException | IllegalArgumentException e) {
      throw new RefusalException(ErrorCode.SCHEMA_VIOLATION, "the command cannot be read as a command; see "
          + "command.schema.json", e);
    }
  }

  /**
   * PostgreSQL cannot store the NUL character in text or jsonb, and a lone UTF-16 surrogate
   * (an escaped {@code \\ud800} without its pair) is no character at all and would be stored
   * replaced; a string or field name holding either is refused here, naming the field, rather than
   * failing at the record as if the store were down or keeping something the sender did not send.
   */
  static void requireStorableText(JsonNode node, String path) {
    if (node.isTextual()) {
      unstorable(node.textValue()).ifPresent(what -> {
        throw new RefusalException(ErrorCode.SCHEMA_VIOLATION, path + " contains " + what
            + ", which is not allowed in any text; remove it");
      });
    }
    if (node.isArray()) {
      for (int i = 0; i < node.size(); i++) {
        requireStorableText(node.get(i), path + "[" + i + "]");
      }
    }
    node.fieldNames().forEachRemaining(name -> {
      unstorable(name).ifPresent(what -> {
        throw new RefusalException(ErrorCode.SCHEMA_VIOLATION, path + " has a field name containing " + what
            + ", which is not allowed; remove it");
      });
      requireStorableText(node.get(name), path + "." + name);
    });
  }

  private static Optional<String> unstorable(String text) {
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (c == '\0') {
        return Optional.of("the NUL character (\\u0000)");
      }
      if (Character.isHighSurrogate(c) && i + 1 < text.length() && Character.isLowSurrogate(text.charAt(i + 1))) {
        i++;
      } else if (Character.isSurrogate(c)) {
        return Optional.of("a lone UTF-16 surrogate (\\u" + Integer.toHexString(c) + ")");
      }
    }
    return Optional.empty();
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
