-- 0006: one-time codes that link a person's accounts on two platforms (`bind`). A code is given in a direct
-- message on one platform and must be said, in a direct message, on the platform it names, within its
-- lifetime, once. Times are UTC epoch seconds.
CREATE TABLE bind_codes (
  code       TEXT PRIMARY KEY,                  -- six digits
  person_id  INTEGER NOT NULL REFERENCES people(id),
  platform   TEXT NOT NULL CHECK (platform IN ('slack', 'dingtalk', 'wecom')),  -- where it must be said
  created_at INTEGER NOT NULL,
  expires_at INTEGER NOT NULL,
  used_at    INTEGER                            -- set when used, or burned (said in a group)
) WITHOUT ROWID;
