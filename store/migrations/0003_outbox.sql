-- 0003: the outbox (every message opsbot sends that does not go back in an HTTP response), the pacing
-- state of each destination, and the dedupe keys of requests already handled.
-- Times in this migration are UTC epoch milliseconds (pacing needs finer steps than seconds).

CREATE TABLE outbox (
  id           INTEGER PRIMARY KEY,
  destination  TEXT NOT NULL,                  -- e.g. slack:C0123; order and pacing are per destination
  platform     TEXT NOT NULL,                  -- slack, dingtalk, wecom
  payload      TEXT NOT NULL,                  -- JSON: the neutral message and its routing (channel, thread)
  state        TEXT NOT NULL CHECK (state IN ('pending', 'delivered', 'dead')),
  attempts     INTEGER NOT NULL DEFAULT 0,
  due_at       INTEGER NOT NULL,               -- not before (ms)
  created_at   INTEGER NOT NULL,               -- ms
  updated_at   INTEGER NOT NULL,               -- ms
  delivered_at INTEGER,                        -- ms
  last_error   TEXT,
  announced    INTEGER NOT NULL DEFAULT 0      -- a dead message was announced to the admins' chat
);
CREATE INDEX outbox_pending ON outbox(destination, id) WHERE state = 'pending';
CREATE INDEX outbox_state ON outbox(state, updated_at);

CREATE TABLE outbox_destinations (
  destination  TEXT PRIMARY KEY,
  next_send_at INTEGER NOT NULL                -- ms: the pace allows the next message from here on
) WITHOUT ROWID;

CREATE TABLE dedupe_keys (
  key        TEXT PRIMARY KEY,                 -- e.g. slack:event:T123:Ev456
  created_at INTEGER NOT NULL                  -- ms
) WITHOUT ROWID;
CREATE INDEX dedupe_keys_age ON dedupe_keys(created_at);
