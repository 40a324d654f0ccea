package energy.dispatch.cloud.command;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;

/** One transition of a command's history (table {@code command_events}): who, what, when, why. */
public record CommandEvent(Instant at, String status, String principal, String reason, JsonNode detail) {}
