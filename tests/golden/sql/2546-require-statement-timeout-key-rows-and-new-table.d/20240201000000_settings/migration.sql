-- a few rows by primary key, and a backfill of a table created in the same file: quiet
CREATE TABLE "Setting" ("id" INTEGER PRIMARY KEY, "value" TEXT);
INSERT INTO "Setting" SELECT "id", "name" FROM "LegacySetting";
UPDATE "Setting" SET "value" = 'on' WHERE "value" IS NULL;
UPDATE "Flag" SET "enabled" = true WHERE "id" = 1;
