DROP SCHEMA "analytics" CASCADE;

-- a schema created in this migration: no finding
CREATE SCHEMA "scratch";
DROP SCHEMA "scratch";
