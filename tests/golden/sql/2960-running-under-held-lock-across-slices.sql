-- Linted whole, and by `make golden-sliced` in slices of one statement
-- (PRISMA_GATE_SLICE_STATEMENTS=1): the same findings at the same lines.
BEGIN;

-- AlterTable
ALTER TABLE "Invoice" ADD COLUMN "paidAt" TIMESTAMP(3);

-- a DO block whose body holds ';' and a dollar-quoted string
DO $$
BEGIN
  UPDATE "Invoice" SET "paidAt" = now() WHERE "paidAt" IS NULL;
  PERFORM $q$ ; $q$;
END $$;

-- still under the ADD COLUMN's lock: the transaction is open
CREATE INDEX "Invoice_paidAt_idx" ON "Invoice"("paidAt");
UPDATE "Invoice" SET "paidAt" = '2024-01-01;00:00' WHERE "id" = 1;

COMMIT;

/* after COMMIT; no lock is held */ CREATE INDEX "Invoice_id_idx" ON "Invoice"("id");
ALTER TABLE "Payment" ADD COLUMN "note" TEXT DEFAULT E'a\';b';
