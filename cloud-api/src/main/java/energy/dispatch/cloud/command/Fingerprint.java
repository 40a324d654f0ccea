package energy.dispatch.cloud.command;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import energy.dispatch.schema.Command;
import energy.dispatch.schema.CredentialHash;
import energy.dispatch.schema.Json;

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
    try {
      Object sorted = CANONICAL.treeToValue(node, Object.class);
      return CredentialHash.hash(CANONICAL.writeValueAsString(sorted));
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("a parsed command always serializes", e);
    }
  }

  static JsonNode canonicalTree(Command command) {
    return CANONICAL.valueToTree(command);
  }
}
