-- the old name keeps working through a compatibility view: no finding
ALTER TABLE "Team" RENAME TO "Organization";
CREATE VIEW "Team" AS SELECT * FROM "Organization";
