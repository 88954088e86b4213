-- a temporary table of the file holds nothing before the migration
CREATE TEMP TABLE "dups" AS SELECT "email", min("id") AS "keep" FROM "User" GROUP BY "email";
UPDATE "dups" SET "keep" = "keep" WHERE "keep" IS NOT NULL;
DELETE FROM "dups" WHERE "keep" IS NULL;
INSERT INTO "dups" SELECT "email", "id" FROM "User" WHERE false;
