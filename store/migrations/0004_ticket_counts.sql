-- 0004: how many tickets are in each state, kept by triggers, so `ticket list` says "page 1 of N" without
-- counting every open ticket on each call. Filtered listings (priority, tag, assignee) still count.
CREATE TABLE ticket_counts (
  state TEXT PRIMARY KEY,
  n     INTEGER NOT NULL
) WITHOUT ROWID;
INSERT INTO ticket_counts (state, n) VALUES ('open', 0), ('acked', 0), ('resolved', 0), ('closed', 0);
UPDATE ticket_counts SET n = (SELECT count(*) FROM tickets t WHERE t.state = ticket_counts.state);

CREATE TRIGGER ticket_counts_insert AFTER INSERT ON tickets BEGIN
  UPDATE ticket_counts SET n = n + 1 WHERE state = NEW.state;
END;
CREATE TRIGGER ticket_counts_delete AFTER DELETE ON tickets BEGIN
  UPDATE ticket_counts SET n = n - 1 WHERE state = OLD.state;
END;
CREATE TRIGGER ticket_counts_state AFTER UPDATE OF state ON tickets WHEN OLD.state != NEW.state BEGIN
  UPDATE ticket_counts SET n = n - 1 WHERE state = OLD.state;
  UPDATE ticket_counts SET n = n + 1 WHERE state = NEW.state;
END;
