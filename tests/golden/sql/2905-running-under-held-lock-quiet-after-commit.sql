BEGIN;
ALTER TABLE "Invoice" ADD COLUMN "paidAt" TIMESTAMP(3);
COMMIT;

-- a new transaction: the ALTER's lock was released at COMMIT
UPDATE "Invoice" SET "paidAt" = "updatedAt" WHERE "status" = 'PAID';
