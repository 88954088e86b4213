-- statement_timeout set before the long statements: quiet
SET lock_timeout = '5s';
SET statement_timeout = '15min';
UPDATE "Invoice" SET "status" = 'PAID' WHERE "paidAt" IS NOT NULL;
INSERT INTO "InvoiceArchive" SELECT * FROM "Invoice" WHERE "createdAt" < '2020-01-01';
CREATE INDEX "Invoice_status_idx" ON "Invoice"("status");
