-- a CHECK added NOT VALID does not scan (quiet); one added valid scans the existing table (fires)
SET lock_timeout = '5s';
ALTER TABLE "Order" ADD CONSTRAINT "Order_total_check" CHECK ("total" >= 0) NOT VALID;
ALTER TABLE "Order" ALTER COLUMN "customerId" SET NOT NULL;
ALTER TABLE "Order" ADD CONSTRAINT "Order_qty_check" CHECK ("qty" > 0);
