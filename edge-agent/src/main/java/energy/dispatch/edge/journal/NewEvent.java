package energy.dispatch.edge.journal;

import java.time.Instant;

/** A state event about to be journaled: its type, its whole state message and when it was raised. */
public record NewEvent(String type, String payload, Instant raisedAt) {}
