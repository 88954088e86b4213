CREATE OR REPLACE FUNCTION cleanup() RETURNS void
LANGUAGE plpgsql AS $fn$
BEGIN
  DELETE FROM "Session";
  TRUNCATE "AuditLog";
END;
$fn$;
