-- 0007: the send budget of each lane (bot/send_budget.h) — a robot, an app in a chat, a channel — kept
-- across restarts, and on each delivered message the lane it went out on and the digest that carried it.
-- Times are UTC epoch milliseconds.
CREATE TABLE send_budgets (
  key           TEXT PRIMARY KEY,                -- e.g. dingtalk:robot:1a2b3c4d
  limit_name    TEXT NOT NULL,                   -- e.g. dingtalk_robot (outbox.limits)
  destination   TEXT NOT NULL DEFAULT '',        -- the destination it last carried a message for
  tokens        REAL NOT NULL,                   -- at `at`
  at            INTEGER NOT NULL,                -- tokens counted up to here; refill resumes from it
  blocked_until INTEGER NOT NULL DEFAULT 0,      -- throttled or failing until then
  failures      INTEGER NOT NULL DEFAULT 0,      -- failed sends in a row
  last_error    TEXT NOT NULL DEFAULT ''
) WITHOUT ROWID;

ALTER TABLE outbox ADD COLUMN lane TEXT;         -- the lane a delivered message (or its digest) went out on
ALTER TABLE outbox ADD COLUMN digest_of INTEGER; -- delivered inside the digest sent as this row
CREATE INDEX outbox_digest ON outbox(digest_of) WHERE digest_of IS NOT NULL;
