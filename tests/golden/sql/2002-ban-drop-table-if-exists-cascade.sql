-- unknown to the catalog, still treated as existing
DROP TABLE IF EXISTS "LegacyAudit" CASCADE;

-- several tables in one statement: one finding each
DROP TABLE "Event", "Session";
