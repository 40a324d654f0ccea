package energy.dispatch.schema;

/**
 * The one catalog of error codes, shared by WebSocket, REST and MQTT replies and by edge acks.
 * Wire codes are unique; a test holds them to it.
 */
public enum ErrorCode {
  // refusals by the cloud: the command was never accepted
  MALFORMED_REQUEST("malformed_request"),
  MALFORMED_JSON("malformed_json"),
  SCHEMA_VIOLATION("schema_violation"),
  UNAUTHENTICATED("unauthenticated"),
  TOKEN_EXPIRED("token_expired"),
  TOKEN_INVALID("token_invalid"),
  FORBIDDEN("forbidden"),
  UNKNOWN_EDGE("unknown_edge"),
  DUPLICATE_COMMAND_ID("duplicate_command_id"),
  RATE_LIMITED("rate_limited"),
  PAYLOAD_TOO_LARGE("payload_too_large"),
  OUTBOX_FULL("outbox_full"),
  STORE_UNAVAILABLE("store_unavailable"),
  NOT_CANCELLABLE("not_cancellable"),
  UNKNOWN_COMMAND("unknown_command"),
  UNKNOWN_MESSAGE_TYPE("unknown_message_type"),
  NOT_FOUND("not_found"),
  // administration (REST admin API)
  EDGE_EXISTS("edge_exists"),
  UNKNOWN_GRANT("unknown_grant"),
  SERVICE_EXISTS("service_exists"),
  UNKNOWN_SERVICE("unknown_service"),
  // checks against the capability config, by the cloud (refused) or the edge (rejected)
  UNKNOWN_DEVICE("unknown_device"),
  UNKNOWN_CHANNEL("unknown_channel"),
  CHANNEL_NOT_WRITABLE("channel_not_writable"),
  OUT_OF_RANGE("out_of_range"),
  WRONG_UNIT("wrong_unit"),
  UNKNOWN_CONTROLLER("unknown_controller"),
  UNKNOWN_MODE("unknown_mode"),
  UNKNOWN_PARAMETER("unknown_parameter"),
  INVALID_CONFIG("invalid_config"),
  // execution at the edge
  QUEUE_FULL("queue_full"),
  DEVICE_UNREACHABLE("device_unreachable"),
  MODBUS_EXCEPTION("modbus_exception"),
  READBACK_MISMATCH("readback_mismatch"),
  VALUE_NOT_IMPLEMENTED("value_not_implemented"),
  OUTCOME_UNKNOWN("outcome_unknown"),
  DEADLINE_PASSED("deadline_passed"),
  SUPERSEDED_BY_NEWER("superseded_by_newer"),
  NO_ACKNOWLEDGMENT("no_acknowledgment"),
  INTERNAL("internal");

  private final String wire;

  ErrorCode(String wire) {
    this.wire = wire;
  }

  public String wire() {
    return wire;
  }
}
