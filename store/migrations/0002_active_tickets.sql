-- 0002: the tickets not yet closed, newest first, without a sort: `ticket list` pages through them
-- while the closed history grows.
CREATE INDEX tickets_active ON tickets(id) WHERE state != 'closed';
