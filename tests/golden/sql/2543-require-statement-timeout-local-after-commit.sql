-- SET LOCAL lasts until its transaction block ends: the index build after the COMMIT has none
BEGIN;
SET LOCAL statement_timeout = '10min';
UPDATE "Invoice" SET "status" = 'PAID' WHERE "paidAt" IS NOT NULL;
COMMIT;
CREATE INDEX "Invoice_status_idx" ON "Invoice"("status");
