-- Seeds a migrated opsbot database with 100,000 tickets and their audit rows, shaped like a team's
-- history: 98% closed, the rest open, acked or resolved. Run: sqlite3 DB < bench/seed.sql
PRAGMA journal_mode = WAL;
BEGIN;
WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 100000)
INSERT INTO tickets (title, priority, state, reporter_id, assignee_id, created_at, updated_at, acked_at,
                     resolved_at, closed_at, ack_due_at, resolve_due_at)
SELECT 'seeded ticket ' || i || ' on db-' || (i % 50),
       1 + i % 4,
       CASE WHEN i > 98000 THEN (CASE i % 3 WHEN 0 THEN 'open' WHEN 1 THEN 'acked' ELSE 'resolved' END)
            ELSE 'closed' END,
       (SELECT id FROM people WHERE key = 'alice'),
       (SELECT id FROM people WHERE key = 'bob'),
       1700000000 + i * 300, 1700000000 + i * 300, 1700000000 + i * 300 + 600, NULL, NULL,
       1700000000 + i * 300 + 900, 1700000000 + i * 300 + 14400
FROM n;
INSERT INTO ticket_tags (ticket_id, tag) SELECT id, 'db' FROM tickets WHERE id % 7 = 0;
UPDATE tickets SET tags = 'db' WHERE id % 7 = 0;  -- the tags' copy on the row (migration 0010)
INSERT INTO audit (at, actor_id, actor, channel, action, entity, entity_id, after)
SELECT created_at, reporter_id, 'alice', 'api', 'ticket.new', 'ticket', id,
       json_object('state', state, 'priority', priority, 'title', title)
FROM tickets;
COMMIT;
PRAGMA wal_checkpoint(TRUNCATE);
