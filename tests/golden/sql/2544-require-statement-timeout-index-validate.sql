-- a validation scan and an index build on existing tables: the first one fires
SET lock_timeout = '5s';
ALTER TABLE "Invoice" VALIDATE CONSTRAINT "Invoice_customerId_fkey";
CREATE INDEX "Invoice_customerId_idx" ON "Invoice"("customerId");
