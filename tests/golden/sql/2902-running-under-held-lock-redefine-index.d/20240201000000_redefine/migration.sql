-- DropIndex
DROP INDEX "Order_customerId_idx";

-- CreateIndex
CREATE INDEX "Order_customerId_createdAt_idx" ON "Order"("customerId", "createdAt");
