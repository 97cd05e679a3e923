-- 0010: a page of `ticket list` over the tickets not yet closed is read from one index, with no seek into the
-- table and no look-up of the tags for each ticket (~17k and ~25k of a page's ~120k instructions,
-- bench/README.md):
--   * tickets.tags holds the ticket's tags joined by char(31) (the unit separator, which normalised chat text
--     never holds), NULL for none. TicketRepo writes it in the statement that writes the ticket, from the same
--     list it writes to ticket_tags, which stays the table the tag filter searches.
--   * tickets_active carries every column a page shows. It holds only those tickets (2% of them in the bench's
--     database) and is rewritten when one of them changes, as before.
ALTER TABLE tickets ADD COLUMN tags TEXT;
UPDATE tickets
   SET tags = (SELECT group_concat(g.tag, char(31)) FROM ticket_tags g WHERE g.ticket_id = tickets.id)
 WHERE id IN (SELECT ticket_id FROM ticket_tags);
DROP INDEX tickets_active;
CREATE INDEX tickets_active ON tickets(id, title, priority, state, reporter_id, assignee_id, chat_id, created_at,
                                       updated_at, acked_at, resolved_at, closed_at, ack_due_at, resolve_due_at,
                                       tags)
  WHERE state != 'closed';
