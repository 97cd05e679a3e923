-- 0005: every destination with a pending message has a row in outbox_destinations (kept by triggers), so the
-- outbox finds each destination's oldest pending message by one index seek per destination
-- (outbox_pending), instead of grouping every pending row: during a platform outage the backlog can hold
-- many thousands, and the worker asks after every command.
INSERT OR IGNORE INTO outbox_destinations (destination, next_send_at)
  SELECT DISTINCT destination, 0 FROM outbox WHERE state = 'pending';

CREATE TRIGGER outbox_destination_on_insert AFTER INSERT ON outbox WHEN NEW.state = 'pending'
BEGIN
  INSERT OR IGNORE INTO outbox_destinations (destination, next_send_at) VALUES (NEW.destination, 0);
END;

CREATE TRIGGER outbox_destination_on_retry AFTER UPDATE OF state ON outbox WHEN NEW.state = 'pending'
BEGIN
  INSERT OR IGNORE INTO outbox_destinations (destination, next_send_at) VALUES (NEW.destination, 0);
END;
