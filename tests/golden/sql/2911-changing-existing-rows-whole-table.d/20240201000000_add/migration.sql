-- AlterTable
ALTER TABLE "User" ADD COLUMN "name" TEXT,
ADD COLUMN "plan" TEXT DEFAULT 'free',
ADD COLUMN "legacy" BOOLEAN;
