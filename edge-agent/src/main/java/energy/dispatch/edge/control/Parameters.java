package energy.dispatch.edge.control;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Map;
import java.util.OptionalDouble;

/** A controller's effective parameters for one cycle: configured values with overrides on top. Immutable. */
public record Parameters(Map<String, JsonNode> values) {

  public Parameters {
    values = Map.copyOf(values);
  }

  public OptionalDouble number(String name) {
    JsonNode value = values.get(name);
    return value != null && value.isNumber() ? OptionalDouble.of(value.asDouble()) : OptionalDouble.empty();
  }
}
