-- 0001: people, chats, tickets, tags, audit, assignment state.
-- Times are UTC epoch seconds. Keys are the config's ids (or generated ones for people met on a platform).

-- One row per person, one handle column per platform: a person met on several platforms is one row.
CREATE TABLE people (
  id                INTEGER PRIMARY KEY,
  key               TEXT NOT NULL UNIQUE COLLATE NOCASE,
  name              TEXT NOT NULL,
  role              TEXT NOT NULL DEFAULT 'member' CHECK (role IN ('admin', 'agent', 'member')),
  timezone          TEXT,
  language          TEXT CHECK (language IN ('en', 'zh')),
  slack_user_id     TEXT UNIQUE,
  dingtalk_staff_id TEXT UNIQUE,
  dingtalk_mobile   TEXT,
  wecom_userid      TEXT UNIQUE,
  from_config       INTEGER NOT NULL DEFAULT 0,
  created_at        INTEGER NOT NULL,
  updated_at        INTEGER NOT NULL
);

-- One row per chat, one id column per platform.
CREATE TABLE chats (
  id                       INTEGER PRIMARY KEY,
  key                      TEXT NOT NULL UNIQUE COLLATE NOCASE,
  name                     TEXT NOT NULL,
  language                 TEXT CHECK (language IN ('en', 'zh')),
  timezone                 TEXT,
  slack_channel_id         TEXT UNIQUE,
  dingtalk_conversation_id TEXT UNIQUE,
  wecom_chat_id            TEXT UNIQUE,
  from_config              INTEGER NOT NULL DEFAULT 0,
  created_at               INTEGER NOT NULL,
  updated_at               INTEGER NOT NULL
);

CREATE TABLE tickets (
  id             INTEGER PRIMARY KEY,          -- shown as T-<id>
  title          TEXT NOT NULL,
  priority       INTEGER NOT NULL CHECK (priority BETWEEN 1 AND 4),
  state          TEXT NOT NULL CHECK (state IN ('open', 'acked', 'resolved', 'closed')),
  reporter_id    INTEGER NOT NULL REFERENCES people(id),
  assignee_id    INTEGER REFERENCES people(id),
  chat_id        INTEGER REFERENCES chats(id),
  created_at     INTEGER NOT NULL,
  updated_at     INTEGER NOT NULL,
  acked_at       INTEGER,
  resolved_at    INTEGER,
  closed_at      INTEGER,
  ack_due_at     INTEGER,                      -- SLA deadline for the first ack, NULL if no target
  resolve_due_at INTEGER                       -- SLA deadline for resolving, NULL if no target
);
CREATE INDEX tickets_state ON tickets(state, id);
CREATE INDEX tickets_assignee ON tickets(assignee_id, id);

CREATE TABLE ticket_tags (
  ticket_id INTEGER NOT NULL REFERENCES tickets(id),
  tag       TEXT NOT NULL COLLATE NOCASE,
  PRIMARY KEY (ticket_id, tag)
) WITHOUT ROWID;
CREATE INDEX ticket_tags_tag ON ticket_tags(tag, ticket_id);

-- One row per state change: who, through which channel, what, when, before and after (JSON).
-- A ticket's history is its audit rows.
CREATE TABLE audit (
  id          INTEGER PRIMARY KEY,
  at          INTEGER NOT NULL,
  actor_id    INTEGER REFERENCES people(id),
  actor       TEXT NOT NULL,                   -- the person's key at the time
  channel     TEXT NOT NULL,                   -- console, api, slack, dingtalk, wecom, system
  integration TEXT,                            -- the API integration or robot that carried it
  chat_id     INTEGER REFERENCES chats(id),
  action      TEXT NOT NULL,                   -- e.g. ticket.new, ticket.ack, config.sync
  entity      TEXT NOT NULL,                   -- e.g. ticket, person, chat
  entity_id   INTEGER,
  before      TEXT,
  after       TEXT,
  note        TEXT
);
CREATE INDEX audit_entity ON audit(entity, entity_id, id);

-- Round-robin position per team for auto-assignment.
CREATE TABLE round_robin (
  team           TEXT PRIMARY KEY,
  last_person_id INTEGER NOT NULL
);
