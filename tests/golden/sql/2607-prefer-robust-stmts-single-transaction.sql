SET lock_timeout = '5s';
CREATE TABLE "Archive" ("id" TEXT PRIMARY KEY, "payload" JSONB);
ALTER TABLE "Job" ADD COLUMN "archivedAt" TIMESTAMPTZ;
DROP TABLE "OldArchive";
