package energy.dispatch.edge.cycle;

import com.fasterxml.jackson.databind.JsonNode;
import energy.dispatch.schema.Ack;
import energy.dispatch.schema.AckStatus;
import energy.dispatch.schema.ErrorCode;
import energy.dispatch.schema.ErrorDetail;
import energy.dispatch.schema.Json;
import java.time.Instant;

/** Builders for the acks the cycle sends. */
final class Acks {

  private Acks() {}

  static Ack failed(String commandId, Instant at, ErrorCode code, String message) {
    return Ack.of(commandId, AckStatus.FAILED, at, ErrorDetail.of(code, message));
  }

  static Ack executedLimited(String commandId, Instant at, double appliedValue, String limitedBy) {
    return new Ack(commandId, AckStatus.EXECUTED, at, null, number(appliedValue), limitedBy);
  }

  /** Whole numbers as integers on the wire, so that 50000 stays 50000 rather than 50000.0. */
  static JsonNode number(double value) {
    return value == Math.rint(value) && Math.abs(value) < 1e15
        ? Json.mapper().getNodeFactory().numberNode((long) value)
        : Json.mapper().getNodeFactory().numberNode(value);
  }
}
