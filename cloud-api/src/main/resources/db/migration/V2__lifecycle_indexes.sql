-- Indexes for the command lifecycle's reads and timers (V1 stays as the broker extension knows it).

-- A dashboard asking for its user's open commands.
CREATE INDEX commands_open_by_principal ON commands (principal, submit_seq)
    WHERE status IN ('accepted', 'queued', 'sent', 'delivered');

-- The timers: waiting commands past their deadline, delivered ones past deadline plus grace.
CREATE INDEX commands_waiting_by_deadline ON commands (expires_at)
    WHERE status IN ('accepted', 'queued', 'delivered');

-- Supersession of queued setpoints on one device channel.
CREATE INDEX commands_queued_by_channel ON commands (edge_id, channel_key, submit_seq)
    WHERE status = 'queued';

-- History searches by edge, newest first.
CREATE INDEX commands_by_edge ON commands (edge_id, submit_seq DESC);
