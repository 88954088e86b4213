ALTER SCHEMA "app" RENAME TO "core";

-- a schema created in this migration: no finding
CREATE SCHEMA "staging";
ALTER SCHEMA "staging" RENAME TO "scratch";
