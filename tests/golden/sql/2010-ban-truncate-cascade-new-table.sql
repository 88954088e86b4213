CREATE TABLE "Import" ("id" INTEGER NOT NULL, "payload" JSONB);

-- a table created in this migration: no finding
TRUNCATE "Import";
