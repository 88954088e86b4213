-- a hand-written backfill on an existing table, no statement_timeout: fires (once per file)
SET lock_timeout = '5s';
ALTER TABLE "Invoice" ADD COLUMN "status" TEXT;
UPDATE "Invoice" SET "status" = 'PAID' WHERE "paidAt" IS NOT NULL;
DELETE FROM "Session" WHERE "expiresAt" < now();
