-- AlterTable: narrowing changes rewrite and may fail on existing values
ALTER TABLE "Item" ALTER COLUMN "slug" SET DATA TYPE VARCHAR(100);
ALTER TABLE "Item" ALTER COLUMN "note" SET DATA TYPE VARCHAR(50);
ALTER TABLE "Item" ALTER COLUMN "price" SET DATA TYPE DECIMAL(10,2);
ALTER TABLE "Item" ALTER COLUMN "counter" SET DATA TYPE INTEGER;
-- less precision rounds: a rewrite, but nothing fails
ALTER TABLE "Item" ALTER COLUMN "seenAt" SET DATA TYPE TIMESTAMP(3);
