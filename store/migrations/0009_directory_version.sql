-- 0009: a value that changes with every change to people or chats. Each connection memoises its look-ups of
-- people and chats (store/directory_cache.h) for the value it read in the same snapshot; any change here makes
-- them stale. random(), not a counter: a change that is rolled back must not leave a value that a later,
-- different change could take again.
CREATE TABLE directory_version (
  id INTEGER PRIMARY KEY CHECK (id = 1),
  v  INTEGER NOT NULL
);
INSERT INTO directory_version (id, v) VALUES (1, random());

CREATE TRIGGER people_changed_insert AFTER INSERT ON people
BEGIN UPDATE directory_version SET v = random(); END;
CREATE TRIGGER people_changed_update AFTER UPDATE ON people
BEGIN UPDATE directory_version SET v = random(); END;
CREATE TRIGGER people_changed_delete AFTER DELETE ON people
BEGIN UPDATE directory_version SET v = random(); END;
CREATE TRIGGER chats_changed_insert AFTER INSERT ON chats
BEGIN UPDATE directory_version SET v = random(); END;
CREATE TRIGGER chats_changed_update AFTER UPDATE ON chats
BEGIN UPDATE directory_version SET v = random(); END;
CREATE TRIGGER chats_changed_delete AFTER DELETE ON chats
BEGIN UPDATE directory_version SET v = random(); END;
