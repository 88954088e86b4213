-- hand-written checks on existing tables
ALTER TABLE "EmailAccount" ADD CONSTRAINT "EmailAccount_sensitiveDataPolicy_check" CHECK ("sensitiveDataPolicy" IN ('ALLOW', 'REDACT', 'BLOCK'));
ALTER TABLE "TaskQueue" ADD CONSTRAINT "TaskQueue_cronSpread_check" CHECK ("cronSpreadSeconds" >= 0) NOT VALID;
ALTER TABLE "Order" ADD COLUMN "discount" INTEGER CHECK ("discount" BETWEEN 0 AND 100);
