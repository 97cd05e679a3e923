-- 0008: every CHECK that listed three or more values says the same with ORed equalities. SQLite 3.40 builds
-- an ephemeral B-tree for an IN list of more than two values each time a statement runs (~30k instructions,
-- against ~0.3k for the ORs), so each insert or update of a ticket, an outbox row, a person or a bind code
-- paid for one (bench/README.md, 2026-12-06). The expressions are equivalent, every stored row already
-- satisfies them and nothing on disk changes but the schema text: SQLite's documented way for such a change
-- is to rewrite sqlite_schema under writable_schema (https://sqlite.org/lang_altertable.html, "Making Other
-- Kinds Of Table Schema Changes"); Migrate bumps schema_version after each migration, as that procedure asks.
PRAGMA writable_schema = ON;
UPDATE sqlite_schema
   SET sql = replace(sql, 'CHECK (role IN (''admin'', ''agent'', ''member''))',
                     'CHECK (role = ''admin'' OR role = ''agent'' OR role = ''member'')')
 WHERE type = 'table' AND name = 'people';
UPDATE sqlite_schema
   SET sql = replace(sql, 'CHECK (state IN (''open'', ''acked'', ''resolved'', ''closed''))',
                     'CHECK (state = ''open'' OR state = ''acked'' OR state = ''resolved'' OR state = ''closed'')')
 WHERE type = 'table' AND name = 'tickets';
UPDATE sqlite_schema
   SET sql = replace(sql, 'CHECK (state IN (''pending'', ''delivered'', ''dead''))',
                     'CHECK (state = ''pending'' OR state = ''delivered'' OR state = ''dead'')')
 WHERE type = 'table' AND name = 'outbox';
UPDATE sqlite_schema
   SET sql = replace(sql, 'CHECK (platform IN (''slack'', ''dingtalk'', ''wecom''))',
                     'CHECK (platform = ''slack'' OR platform = ''dingtalk'' OR platform = ''wecom'')')
 WHERE type = 'table' AND name = 'bind_codes';
PRAGMA writable_schema = OFF;
