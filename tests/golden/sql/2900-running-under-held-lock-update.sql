-- AlterTable
ALTER TABLE "Invoice" ADD COLUMN "paidAt" TIMESTAMP(3);

-- hand-written backfill: runs under the ADD COLUMN's ACCESS EXCLUSIVE lock
UPDATE "Invoice" i SET "paidAt" = p."createdAt" FROM "Payment" p WHERE p."invoiceId" = i."id";
