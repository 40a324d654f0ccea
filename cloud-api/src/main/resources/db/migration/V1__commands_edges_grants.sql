-- Edges and their MQTT credentials. secret_hash is the lowercase hex SHA-256 of the edge's
-- 256-bit random secret (see CredentialHash); the broker extension reads it from here.
CREATE TABLE edges (
    edge_id            text PRIMARY KEY,
    site_id            text NOT NULL,
    display_name       text,
    secret_hash        text,
    credential_version integer NOT NULL DEFAULT 0,
    revoked_at         timestamptz,
    created_at         timestamptz NOT NULL DEFAULT now()
);

-- Service principals (optimizers) that publish requests over MQTT.
CREATE TABLE services (
    service_name text PRIMARY KEY,
    secret_hash  text NOT NULL,
    revoked_at   timestamptz,
    created_at   timestamptz NOT NULL DEFAULT now()
);

-- Per-edge permissions of a principal ('user:456', 'service:optimizer'). edge_pattern is an edge id
-- or a pattern where * matches any run of characters ('site1_*', '*').
CREATE TABLE grants (
    grant_id     bigserial PRIMARY KEY,
    principal    text NOT NULL,
    edge_pattern text NOT NULL,
    can_view     boolean NOT NULL,
    can_control  boolean NOT NULL,
    created_at   timestamptz NOT NULL DEFAULT now(),
    UNIQUE (principal, edge_pattern)
);

-- Versioned capability configs; the highest version of an edge is its current one.
CREATE TABLE capability_configs (
    edge_id     text NOT NULL REFERENCES edges (edge_id),
    version     integer NOT NULL,
    document    jsonb NOT NULL,
    uploaded_by text NOT NULL,
    uploaded_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (edge_id, version)
);

-- The current state of every accepted command. A refused command has no row here.
CREATE TABLE commands (
    command_id   text PRIMARY KEY,
    edge_id      text NOT NULL REFERENCES edges (edge_id),
    principal    text NOT NULL,
    command_type text NOT NULL,
    priority     text NOT NULL,
    channel_key  text,
    payload      jsonb NOT NULL,
    fingerprint  text NOT NULL,
    status       text NOT NULL,
    submit_seq   bigserial NOT NULL,
    accepted_at  timestamptz NOT NULL,
    expires_at   timestamptz NOT NULL,
    sent_at      timestamptz,
    delivered_at timestamptz,
    finished_at  timestamptz,
    result       jsonb,
    late_result  jsonb
);
CREATE INDEX commands_open_by_edge ON commands (edge_id, submit_seq)
    WHERE status IN ('accepted', 'queued', 'sent', 'delivered');
CREATE INDEX commands_awaiting_delivery ON commands (sent_at) WHERE status = 'sent';

-- Append-only audit of every transition: who, what, when, why.
CREATE TABLE command_events (
    command_id text NOT NULL,
    at         timestamptz NOT NULL,
    event_seq  bigserial NOT NULL,
    status     text NOT NULL,
    principal  text NOT NULL,
    reason     text,
    detail     jsonb,
    PRIMARY KEY (command_id, at, event_seq)
);

-- Audit of commands that were refused before acceptance (they reserve no command id).
CREATE TABLE refusals (
    refusal_id bigserial NOT NULL,
    at         timestamptz NOT NULL,
    principal  text,
    command_id text,
    edge_id    text,
    code       text NOT NULL,
    message    text NOT NULL,
    PRIMARY KEY (refusal_id, at)
);
