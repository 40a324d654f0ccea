package energy.dispatch.cloud.command;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import energy.dispatch.schema.Command;
import energy.dispatch.schema.CredentialHash;
import energy.dispatch.schema.Json;
import java.math.BigDecimal;

/**
 * What makes two submissions "the same command" for idempotency: every field but
 * {@code timestamp} and {@code source} (and the cloud's stamps), in a canonical form. Pure.
 */
public final class Fingerprint {

  private static final ObjectMapper CANONICAL = Json.newMapper()
      .configure(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS, true);

  private Fingerprint() {}

  public static String of(Command command) {
    ObjectNode node = CANONICAL.valueToTree(command);
    node.remove(java.util.List.of("timestamp", "source", "accepted_at", "expires_at"));
    numbersByValue(node);
    try {
      Object sorted = CANONICAL.treeToValue(node, Object.class);
      return CredentialHash.hash(CANONICAL.writeValueAsString(sorted));
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("a parsed command always serializes", e);
    }
  }

  /**
   * Rewrites every number in place to one form per value ({@code 10000}, {@code 10000.0} and
   * {@code 1e4} alike), so that a client re-sending the same command in another number form is
   * answered idempotently instead of with {@code duplicate_command_id}.
   */
  private static void numbersByValue(JsonNode node) {
    if (node instanceof ObjectNode object) {
      object.fieldNames().forEachRemaining(name -> {
        JsonNode child = object.get(name);
        object.set(name, child.isNumber() ? canonicalNumber(child) : child);
        numbersByValue(child);
      });
    } else if (node instanceof ArrayNode array) {
      for (int i = 0; i < array.size(); i++) {
        JsonNode child = array.get(i);
        array.set(i, child.isNumber() ? canonicalNumber(child) : child);
        numbersByValue(child);
      }
    }
  }

  private static JsonNode canonicalNumber(JsonNode number) {
    BigDecimal value = number.decimalValue().stripTrailingZeros();
    if (value.scale() <= 0) {
      return JsonNodeFactory.instance.numberNode(value.toBigIntegerExact());
    }
    return JsonNodeFactory.instance.numberNode(value);
  }

  static JsonNode canonicalTree(Command command) {
    return CANONICAL.valueToTree(command);
  }
}
