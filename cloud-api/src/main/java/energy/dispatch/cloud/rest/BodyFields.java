package energy.dispatch.cloud.rest;

import com.fasterxml.jackson.databind.JsonNode;
import energy.dispatch.schema.ErrorCode;

/**
 * Reads typed fields of a JSON request body strictly: a field of the wrong JSON type is refused with
 * {@code schema_violation} naming it, never coerced ({@code "yes"} is not false, {@code "abc"} is not a
 * default, {@code 1.9} is not 1). Pure.
 */
final class BodyFields {

  private BodyFields() {}

  /** The JSON boolean {@code field}; refused when it is missing or of another type. */
  static boolean requireBoolean(JsonNode body, String field) {
    JsonNode value = body.path(field);
    if (!value.isBoolean()) {
      throw new ApiException(ErrorCode.SCHEMA_VIOLATION,
          field + " is required and must be the JSON boolean true or false, got " + describe(value));
    }
    return value.booleanValue();
  }

  /** The JSON string {@code field}; refused when it is missing or of another type. */
  static String requireText(JsonNode body, String field) {
    JsonNode value = body.path(field);
    if (!value.isTextual()) {
      throw new ApiException(ErrorCode.SCHEMA_VIOLATION, field + " is required and must be a JSON string, got "
          + describe(value));
    }
    return value.textValue();
  }

  /** The JSON integer {@code field} from 1 to {@code max}, or {@code absent} when the field is missing. */
  static long optionalPositiveInteger(JsonNode body, String field, long absent, long max) {
    JsonNode value = body.path(field);
    if (value.isMissingNode()) {
      return absent;
    }
    if (!value.isIntegralNumber() || !value.canConvertToLong() || value.longValue() < 1 || value.longValue() > max) {
      throw new ApiException(ErrorCode.SCHEMA_VIOLATION,
          field + " must be a JSON integer from 1 to " + max + ", got " + describe(value));
    }
    return value.longValue();
  }

  private static String describe(JsonNode value) {
    return value.isMissingNode() ? "nothing" : value.getNodeType().name().toLowerCase(java.util.Locale.ROOT) + " "
        + abbreviated(value.toString());
  }

  /** Echoes at most 40 characters of what was sent, so a huge value does not fill the answer. */
  private static String abbreviated(String json) {
    return json.length() <= 40 ? json : json.substring(0, 40) + "...";
  }
}
