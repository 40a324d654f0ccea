-- Refused access tokens, aggregated: one row counts the refusals of one entry point, reason, remote
-- address and principal within one flush window (see TokenRefusalAudit), so a flood of bad tokens
-- costs a bounded number of rows. Never holds a token or any part of one.
CREATE TABLE token_refusals (
    refusal_id      bigserial NOT NULL,
    first_at        timestamptz NOT NULL,
    last_at         timestamptz NOT NULL,
    entry_point     text NOT NULL,
    reason          text NOT NULL,
    -- the peer of the connection as the server saw it (no forwarded-for header: a client sets that)
    remote_address  text,
    -- the principal of an already authenticated WebSocket on which a renewal was refused; else null
    principal       text,
    -- the token's user_id, only when its signature verified; never taken as a principal
    claimed_user_id text,
    attempts        integer NOT NULL,
    -- true when the window held too many distinct sources: the row sums them, without address or user
    folded          boolean NOT NULL DEFAULT false,
    PRIMARY KEY (refusal_id, first_at)
);
CREATE INDEX token_refusals_by_time ON token_refusals (first_at);

-- Every action of an administrator through the admin API: who, what, on what, when.
CREATE TABLE admin_actions (
    action_id bigserial NOT NULL,
    at        timestamptz NOT NULL,
    principal text NOT NULL,
    action    text NOT NULL,
    subject   text NOT NULL,
    PRIMARY KEY (action_id, at)
);

-- Services get a credential version like edges, so a rotation is visible in a listing.
ALTER TABLE services ADD COLUMN credential_version integer NOT NULL DEFAULT 1;
