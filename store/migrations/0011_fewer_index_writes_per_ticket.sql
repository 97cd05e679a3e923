-- 0011: a new unassigned ticket writes two index pages fewer, an assigned one one fewer (bench/README.md:
-- `ticket new` 312k -> 279k instructions, and one WAL frame in five fewer a commit):
--   * tickets_state goes. Listing walks tickets_active or the rowid (0010), counting by state alone reads
--     ticket_counts (0004), and a filtered count of the tickets not closed scans tickets_active, which
--     covers state, priority and assignee; a filtered count over closed tickets scans the table, as
--     tickets_state's look-ups into the table for priority cost about as much.
--   * tickets_assignee holds only assigned tickets: every query of it names an assignee (assignee_id = ?,
--     which implies IS NOT NULL), and a ticket opened unassigned no longer writes to it.
DROP INDEX tickets_state;
DROP INDEX tickets_assignee;
CREATE INDEX tickets_assignee ON tickets(assignee_id, id) WHERE assignee_id IS NOT NULL;
