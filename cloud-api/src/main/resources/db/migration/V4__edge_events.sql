-- What edges report happened by themselves: an override that reverted, a hold that ended or was
-- limited, a config applied or refused, a restart. The edge journals each event and sends it until
-- the broker confirms it, so the same event can arrive twice; its id keeps one row.
CREATE TABLE edge_events (
    edge_id      text        NOT NULL REFERENCES edges (edge_id),
    event_id     text        NOT NULL,
    type         text        NOT NULL,
    raised_at    timestamptz,
    received_at  timestamptz NOT NULL DEFAULT now(),
    detail       jsonb       NOT NULL,
    PRIMARY KEY (edge_id, event_id)
);

CREATE INDEX edge_events_by_time ON edge_events (edge_id, received_at DESC);
